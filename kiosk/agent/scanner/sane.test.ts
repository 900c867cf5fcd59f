import { describe, expect, it } from 'vitest';
import {
  SaneScanner,
  SimulatedScanner,
  saneOptionsFromProfile,
  scanErrorCodeOf,
  scanimageArgs,
} from './sane.ts';

describe('SANE scanner driver (SPEC MAT-CAP-3)', () => {
  it('MAT-CAP-3: asks scanimage for one PNG page on the named device', () => {
    expect(scanimageArgs({ device: 'test', resolution: 300, mode: 'Gray' })).toEqual([
      '-d',
      'test',
      '--format=png',
      '--resolution',
      '300',
      '--mode',
      'Gray',
    ]);
    expect(scanimageArgs({})).toEqual(['--format=png']);
  });

  it('MAT-CAP-3: scans a real page with SANE’s test backend (Debian sane-utils)', async () => {
    const png = await new SaneScanner({ device: 'test', resolution: 50 }).scan();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(0); // IHDR width
  });

  it('MAT-CAP-3: a missing device or binary is a clear error, not a hang', async () => {
    await expect(new SaneScanner({ device: 'no-such-backend:0' }).scan()).rejects.toThrow(
      /scanner: scanimage exited/,
    );
    await expect(new SaneScanner({ bin: '/nonexistent/scanimage' }).scan()).rejects.toThrow(
      /install Debian sane-utils/,
    );
  });

  it('the simulator gives its pages in turn', async () => {
    const s = new SimulatedScanner([Buffer.from('a'), Buffer.from('b')]);
    expect([(await s.scan()).toString(), (await s.scan()).toString(), (await s.scan()).toString()]).toEqual([
      'a',
      'b',
      'a',
    ]);
  });
});

describe('scanner profiles and failures (SPEC MAT-DEV-1, MAT-DEV-2)', () => {
  it('MAT-DEV-1: a profile’s settings become scanimage arguments: device, dpi, mode, source, page size', () => {
    const o = saneOptionsFromProfile({
      id: 'x',
      class: 'scanner',
      model: 'm',
      vendor: 'v',
      transport: { kind: 'sane', device: 'genesys:libusb:001:004' },
      resolution: 300,
      mode: 'Color',
      source: 'ADF',
      sourceName: 'Automatic Document Feeder',
      pageSize: 'A5',
      timeoutS: 30,
    });
    expect(o).toMatchObject({ timeoutMs: 30_000, batchPages: 20 });
    expect(scanimageArgs(o, '/tmp/p%04d.png')).toEqual([
      '-d',
      'genesys:libusb:001:004',
      '--format=png',
      '--resolution',
      '300',
      '--mode',
      'Color',
      '--source',
      'Automatic Document Feeder',
      '-x',
      '148',
      '-y',
      '210',
      '--batch=/tmp/p%04d.png',
      '--batch-count=20',
    ]);
  });

  it('MAT-DEV-2: the real test backend’s failures become codes the clerk is told in Chinese', async () => {
    const failing = (status: string) =>
      new SaneScanner({ device: 'test', resolution: 50, extraArgs: ['--read-return-value', status] }).scan();
    await expect(failing('SANE_STATUS_NO_DOCS')).rejects.toMatchObject({ code: 'no-paper' });
    await expect(failing('SANE_STATUS_DEVICE_BUSY')).rejects.toMatchObject({ code: 'busy' });
    await expect(new SaneScanner({ device: 'nosuch:0' }).scan()).rejects.toMatchObject({ code: 'no-device' });
    // A scan that never ends is stopped at the profile's timeout.
    await expect(
      new SaneScanner({
        device: 'test',
        resolution: 300,
        timeoutMs: 300,
        extraArgs: ['--read-delay=yes', '--read-delay-duration', '200000'],
      }).scan(),
    ).rejects.toMatchObject({ code: 'timeout' });
    expect(scanErrorCodeOf('scanimage: sane_read: Document feeder jammed', false)).toBe('jammed');
    expect(scanErrorCodeOf('scanimage: sane_start: Scanner cover is open', false)).toBe('cover-open');
    expect(scanErrorCodeOf('anything', true)).toBe('timeout');
  }, 60_000);

  it('MAT-DEV-2: a feeder scans every sheet with --batch (the real test backend’s ADF), in order', async () => {
    const pages = await new SaneScanner({
      device: 'test',
      resolution: 50,
      source: 'Automatic Document Feeder',
      batchPages: 3,
    }).scanAll();
    expect(pages).toHaveLength(3);
    for (const p of pages) expect(p.subarray(1, 4).toString('latin1')).toBe('PNG');
  }, 60_000);

  it('MAT-DEV-2: the simulated scanner gives a real PNG page and fails on demand like a scanner', async () => {
    const s = new SimulatedScanner();
    const png = await s.scan();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([413, 585]);
    s.failNext('no-paper');
    await expect(s.scan()).rejects.toMatchObject({ code: 'no-paper' });
    expect((await s.scan()).equals(png)).toBe(true);
  });
});

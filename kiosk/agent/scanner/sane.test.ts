import { describe, expect, it } from 'vitest';
import { SaneScanner, SimulatedScanner, scanimageArgs } from './sane.ts';

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

import { DEVICE_KINDS, WINDOW_POSTS } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { checkFirmwareConfig } from './check.ts';
import {
  deviceProfileSchema,
  formatUsbId,
  hallLayoutSchema,
  hex,
  parseByteKey,
  SCREEN_KINDS,
  TERMINAL_POSTS,
  terminalProfileSchema,
} from './schema.ts';

const printer = {
  id: 'p',
  class: 'printer',
  model: 'm',
  vendor: 'v',
  transport: { kind: 'usb', vendorId: '0x04B8', productId: '0x0202' },
  paperWidthMm: 80,
  dotsPerLine: 576,
  charsPerLine: 48,
  encoding: 'gb18030',
  chineseMode: 'fs-ampersand',
  qr: 'gs-k',
  cutter: true,
  statusQuery: 'dle-eot',
};

const pad = (transport: object, keyMap: Record<string, number>) => ({
  id: 'pad',
  class: 'rating-pad',
  model: 'm',
  vendor: 'v',
  transport,
  keyMap,
});

/** `path: message` of every issue, for compact assertions. */
function problems(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  return result.success
    ? []
    : result.error!.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}

describe('USB ids', () => {
  it('accept hex strings in either case', () => {
    const parsed = deviceProfileSchema.parse(printer);
    expect(parsed.class === 'printer' && parsed.transport).toEqual({
      kind: 'usb',
      vendorId: 0x04b8,
      productId: 0x0202,
    });
  });

  it('are formatted as USB ids are usually written', () => {
    expect(hex(0x4b8)).toBe('0x04b8');
    expect(formatUsbId(0x4b8)).toBe('04b8');
  });

  it('refuse a bare number, which lsusb never prints, and say what to write (DEV-14)', () => {
    const r = deviceProfileSchema.safeParse({
      ...printer,
      transport: { ...printer.transport, productId: 5011 },
    });
    expect(problems(r)).toEqual([
      'transport.productId: a USB id must be a hex string in quotes, as lsusb prints it: "0x5011", not 5011 (a bare number is decimal: 5011 = 0x1393)',
    ]);
    const endpoint = deviceProfileSchema.safeParse({
      id: 'r',
      class: 'id-card-reader',
      model: 'm',
      vendor: 'v',
      protocol: 'ga467-sam',
      transport: {
        kind: 'usb-bulk',
        vendorId: '0x0400',
        productId: '0xc35a',
        endpoints: { in: 129, out: '0x02' },
      },
      pollIntervalMs: 300,
      readsAddressUpdate: true,
      fingerprint: false,
    });
    expect(problems(endpoint)).toEqual([expect.stringMatching(/^transport\.endpoints\.in: .*hex string/)]);
  });

  it('reject negative numbers, fractions and other types', () => {
    for (const vendorId of [-1, 1.5, true, null]) {
      const r = deviceProfileSchema.safeParse({ ...printer, transport: { ...printer.transport, vendorId } });
      expect(problems(r)).toEqual([expect.stringMatching(/^transport\.vendorId: /)]);
    }
  });
});

describe('printers', () => {
  it('default a network printer to port 9100', () => {
    const r = deviceProfileSchema.parse({ ...printer, transport: { kind: 'tcp', host: '10.0.0.5' } });
    expect(r.class === 'printer' && r.transport).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 9100 });
  });

  it('refuse an IPv4 address with a part above 255, and keep host names (DEV-14)', () => {
    const tcp = (host: string) =>
      deviceProfileSchema.safeParse({ ...printer, transport: { kind: 'tcp', host } });
    expect(problems(tcp('192.168.1.300'))).toEqual([
      'transport.host: "192.168.1.300" is not an IPv4 address: four numbers 0–255, e.g. 192.168.1.87',
    ]);
    expect(problems(tcp('192.168.1'))).toEqual([expect.stringMatching(/is not an IPv4 address/)]);
    for (const ok of ['192.168.1.255', '10.0.0.5', 'printer-3.hall.local', '3com-printer'])
      expect(tcp(ok).success, ok).toBe(true);
  });

  it('take a serial line at a standard baud rate only', () => {
    const serial = (baudRate: number) =>
      deviceProfileSchema.safeParse({
        ...printer,
        transport: { kind: 'serial', path: '/dev/ttyS0', baudRate },
      });
    expect(serial(9600).success).toBe(true);
    expect(problems(serial(9601))).toEqual([
      expect.stringMatching(/^transport\.baudRate: a standard baud rate/),
    ]);
  });

  it('check the dots against the paper width, and nothing else, when the width is wrong', () => {
    expect(problems(deviceProfileSchema.safeParse({ ...printer, paperWidthMm: 58 }))).toEqual([
      'dotsPerLine: 58 mm paper has 384 dots per line, not 576',
    ]);
    expect(problems(deviceProfileSchema.safeParse({ ...printer, paperWidthMm: 60 }))).toEqual([
      'paperWidthMm: paper width is 58 or 80 (mm)',
    ]);
  });
});

describe('rating pads', () => {
  const hidReport = { kind: 'hid-report', vendorId: '0x0001', productId: '0x0002', reportByte: 1 };

  it('read byte values in hex or decimal for HID reports', () => {
    expect(parseByteKey('0x0a')).toBe(10);
    expect(parseByteKey('255')).toBe(255);
    expect(parseByteKey('256')).toBeUndefined();
    expect(parseByteKey('F1')).toBeUndefined();
    const ok = deviceProfileSchema.safeParse(
      pad(hidReport, { '0x01': 1, '0x02': 2, '3': 3, '4': 4, '0x05': 5 }),
    );
    expect(problems(ok)).toEqual([]);
  });

  it('catch the same byte written twice', () => {
    const r = deviceProfileSchema.safeParse(pad(hidReport, { '0x01': 1, '1': 2, '3': 3, '4': 4, '5': 5 }));
    expect(problems(r)).toEqual(['keyMap.0x01: byte 1 is also mapped as "1"']);
  });

  it('reject serial lines with outer spaces', () => {
    const serial = { kind: 'serial', path: '/dev/ttyUSB1', baudRate: 9600, lineEnding: 'lf' };
    const r = deviceProfileSchema.safeParse(pad(serial, { 'A ': 1, B: 2, C: 3, D: 4, E: 5 }));
    expect(problems(r)).toEqual([expect.stringMatching(/^keyMap\.A : a serial line is matched without/)]);
  });

  it('check level coverage even when the transport is broken', () => {
    const r = deviceProfileSchema.safeParse(pad({ kind: 'usb' }, { F1: 1 }));
    expect(problems(r)).toEqual([
      expect.stringMatching(/^transport\.kind: /),
      expect.stringMatching(
        /^keyMap: no key for level 2 \(不满意\), 3 \(基本满意\), 4 \(满意\), 5 \(非常满意\)/,
      ),
    ]);
  });
});

describe('terminal profiles', () => {
  const terminal = (kind: string, devices: object) =>
    terminalProfileSchema.safeParse({ id: 't', kind, devices });

  it('accept an SSC reader instead of an ID-card reader at a window', () => {
    expect(problems(terminal('rights-window', { printer: 'p', sscReader: 's', ratingPad: 'r' }))).toEqual([]);
  });

  it('need no scanner at a rights window, nothing at a bulk window', () => {
    expect(terminal('rights-window', { printer: 'p', idCardReader: 'i', ratingPad: 'r' }).success).toBe(true);
    expect(terminal('bulk-window', {}).success).toBe(true);
  });

  it('check the Annex C slots even when another slot holds a malformed id', () => {
    expect(problems(terminal('kiosk', { printer: 'Bad Id' }))).toEqual([
      expect.stringMatching(/^devices\.printer: an id is lower-case/),
      'devices.idCardReader: a kiosk needs an ID-card reader',
    ]);
  });

  it('take a square screen as landscape', () => {
    const r = terminalProfileSchema.safeParse({
      id: 't',
      kind: 'bulk-window',
      devices: {},
      screen: { orientation: 'landscape', width: 1024, height: 1024 },
    });
    expect(r.success).toBe(true);
  });

  it('map window kinds onto queue-server posts', () => {
    for (const post of Object.values(TERMINAL_POSTS)) expect(WINDOW_POSTS).toContain(post);
    expect(Object.values(TERMINAL_POSTS).sort()).toEqual([...WINDOW_POSTS].sort());
  });
});

describe('hall layouts', () => {
  it('use screen kinds the server pairs as devices', () => {
    for (const kind of SCREEN_KINDS) expect(DEVICE_KINDS).toContain(kind);
  });

  it('report several layout faults at once, schema and rules together', () => {
    const r = hallLayoutSchema.safeParse({
      hall: ' ',
      windows: [
        { id: 'w1', number: 1, terminal: 'comprehensive-window' },
        { id: 'w1', number: 0, terminal: 'Bad Id' },
      ],
      kiosks: [],
      screens: [{ id: 's', kind: 'rating-pad', resolution: '1920x1080' }],
    });
    expect(problems(r)).toEqual([
      'hall: must not be empty',
      expect.stringMatching(/^windows\.1\.number: /),
      expect.stringMatching(/^windows\.1\.terminal: an id is lower-case/),
      'windows.1.id: id "w1" is already used by windows.0',
      'screens.0.windowId: a rating-pad screen needs the windowId it belongs to',
    ]);
  });
});

describe('error messages', () => {
  const file = 'profiles/devices/p.json';
  const check = (json: object) => checkFirmwareConfig([{ file, text: JSON.stringify(json) }]).errors;

  it('suggest the key meant by a typo, at any depth', () => {
    expect(check({ ...printer, id: 'p', Cutter: true, cutter: undefined })).toEqual([
      { file, path: 'cutter', message: 'required (boolean)' },
      { file, path: 'Cutter', message: 'unknown key "Cutter" (did you mean "cutter"?)' },
    ]);
    expect(check({ ...printer, id: 'p', transport: { ...printer.transport, vendorld: 1 } })).toEqual([
      { file, path: 'transport.vendorld', message: 'unknown key "vendorld" (did you mean "vendorId"?)' },
    ]);
  });

  it('say which classes exist when the class is missing', () => {
    expect(check({ id: 'p' })).toEqual([
      {
        file,
        path: 'class',
        message:
          'required: one of "printer", "id-card-reader", "ssc-reader", "rating-pad", "scanner", "document-camera"',
      },
    ]);
  });

  it('read a file saved with a UTF-8 byte order mark (Notepad) like any other (DEV-14)', () => {
    const text = `\uFEFF${JSON.stringify(printer)}`;
    const { errors, config } = checkFirmwareConfig([{ file, text }]);
    expect(errors).toEqual([]);
    expect(config.devices.p?.class).toBe('printer');
  });

  it('locate invalid JSON', () => {
    const errors = checkFirmwareConfig([{ file, text: '{\n  "id": "p",\n  "class": \n}' }]).errors;
    expect(errors).toEqual([{ file, path: '', message: expect.stringMatching(/^invalid JSON/) }]);
  });
});

describe('scanners and document cameras (SPEC MAT-DEV-1)', () => {
  const scanner = {
    id: 's',
    class: 'scanner',
    model: 'm',
    vendor: 'v',
    transport: { kind: 'sane', device: 'genesys:libusb:001:004' },
    resolution: 300,
    mode: 'Color',
    source: 'Flatbed',
    pageSize: 'A4',
  };
  const camera = {
    id: 'c',
    class: 'document-camera',
    model: 'm',
    vendor: 'v',
    labelMatch: 'USB Camera',
    width: 2592,
    height: 1944,
  };

  it('MAT-DEV-1: a SANE scanner with its device name, dpi, mode, source and page size; defaults filled', () => {
    const parsed = deviceProfileSchema.parse(scanner);
    expect(parsed.class === 'scanner' && parsed).toMatchObject({ timeoutS: 60, resolution: 300 });
    expect(parsed.class === 'scanner' && parsed.maxPages).toBeUndefined();
    expect(
      deviceProfileSchema.safeParse({ ...scanner, transport: { kind: 'sane', device: 'test' } }).success,
    ).toBe(true);
  });

  it('MAT-DEV-1: refuses bad scanner settings with what to write instead', () => {
    expect(
      problems(
        deviceProfileSchema.safeParse({ ...scanner, transport: { kind: 'sane', device: 'Test Scanner' } }),
      ),
    ).toEqual([
      'transport.device: a SANE device name as `scanimage -L` lists it, e.g. "test" or "genesys:libusb:001:004"',
    ]);
    expect(problems(deviceProfileSchema.safeParse({ ...scanner, resolution: 1200 }))).toEqual([
      expect.stringMatching(/^resolution: at most 600 dpi/),
    ]);
    expect(problems(deviceProfileSchema.safeParse({ ...scanner, mode: 'Lineart' }))[0]).toMatch(/^mode: /);
    expect(problems(deviceProfileSchema.safeParse({ ...scanner, pageSize: 'A3' }))[0]).toMatch(/^pageSize: /);
    expect(problems(deviceProfileSchema.safeParse({ ...scanner, maxPages: 5 }))).toEqual([
      'maxPages: a flatbed scans one page at a time; maxPages is for source "ADF"',
    ]);
    expect(deviceProfileSchema.safeParse({ ...scanner, source: 'ADF', maxPages: 5 }).success).toBe(true);
  });

  it('MAT-DEV-1: a document camera: label pattern, landscape size, rotation 0/90/180/270', () => {
    const parsed = deviceProfileSchema.parse(camera);
    expect(parsed.class === 'document-camera' && parsed.rotation).toBe(0);
    expect(problems(deviceProfileSchema.safeParse({ ...camera, labelMatch: 'USB (Camera' }))[0]).toMatch(
      /^labelMatch: not a valid regular expression/,
    );
    expect(problems(deviceProfileSchema.safeParse({ ...camera, rotation: 45 }))).toEqual([
      'rotation: rotation is 0, 90, 180 or 270 (degrees clockwise)',
    ]);
    expect(problems(deviceProfileSchema.safeParse({ ...camera, width: 1944, height: 2592 }))[0]).toMatch(
      /^width: 1944×2592: give the camera's landscape size/,
    );
  });

  it('MAT-DEV-1: a comprehensive window is satisfied by a document scanner or a document camera slot', () => {
    const t = (devices: object) =>
      terminalProfileSchema.safeParse({
        id: 't',
        kind: 'comprehensive-window',
        devices: { printer: 'p', idCardReader: 'r', ratingPad: 'pad', ...devices },
      });
    expect(t({ documentScanner: 'sane-test' }).success).toBe(true);
    expect(t({ documentCamera: 'usb-document-camera' }).success).toBe(true);
    expect(problems(t({}))).toEqual([
      'devices.documentScanner: a comprehensive window needs a scanner or document camera (devices.documentScanner or devices.documentCamera; LD/T 02 Annex C)',
    ]);
  });
});

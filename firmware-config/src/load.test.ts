import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConfigError, checkFirmwareConfig, resolveTerminal } from './check.ts';
import { loadFirmwareConfig, SHIPPED_CONFIG_DIR } from './load.ts';
import { brokenCopy, type Edits, type Json, removeCopies } from './testing.ts';

afterAll(removeCopies);

const D = (id: string) => `profiles/devices/${id}.json`;
const T = (id: string) => `profiles/terminals/${id}.json`;
const HALL = 'halls/demo.json';

describe('the shipped configuration', () => {
  const { config, errors, files } = loadFirmwareConfig();

  it('validates clean', () => {
    expect(errors).toEqual([]);
    expect(files.length).toBe(Object.keys(config.devices).length + Object.keys(config.terminals).length + 1);
  });

  it('has the models the issue asks for', () => {
    const devices = Object.values(config.devices);
    const printers = devices.filter((d) => d.class === 'printer');
    expect(printers.map((p) => p.paperWidthMm)).toEqual(expect.arrayContaining([58, 80]));
    const idReaders = devices.filter((d) => d.class === 'id-card-reader');
    expect(idReaders.map((r) => r.transport.kind)).toEqual(expect.arrayContaining(['serial', 'hid']));
    const ssc = devices.filter((d) => d.class === 'ssc-reader');
    expect(ssc.some((r) => r.interfaces.includes('contact') && r.interfaces.includes('contactless'))).toBe(
      true,
    );
    const pads = devices.filter((d) => d.class === 'rating-pad');
    expect(pads.map((p) => p.transport.kind)).toEqual(expect.arrayContaining(['hid-keyboard', 'serial']));
    for (const pad of pads) expect(Object.values(pad.keyMap).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(Object.values(config.terminals).map((t) => t.kind)).toEqual(
      expect.arrayContaining(['kiosk', 'comprehensive-window', 'rights-window', 'bulk-window']),
    );
  });

  it('parses USB ids written as hex strings into numbers', () => {
    const epson = config.devices['epson-tm-t82iii-usb'];
    expect(epson?.class === 'printer' && epson.transport).toEqual({
      kind: 'usb',
      vendorId: 0x04b8,
      productId: 0x0202,
    });
    const tcp = config.devices['xprinter-xp80-tcp'];
    expect(tcp?.class === 'printer' && tcp.transport.kind === 'tcp' && tcp.transport.port).toBe(9100);
  });

  it('resolves a terminal to its typed devices', () => {
    const window = resolveTerminal(config, 'comprehensive-window');
    expect(window?.printer?.paperWidthMm).toBe(58);
    expect(window?.ratingPad?.keyMap.F1).toBe(5);
    expect(window?.idCardReader?.transport.kind).toBe('usb-bulk');
    expect(resolveTerminal(config, 'nope')).toBeUndefined();
  });

  it('gives the demo hall two kiosks, one board, and a display and a rating pad per window', () => {
    const hall = config.halls.demo!;
    expect(hall.kiosks).toHaveLength(2);
    for (const k of hall.kiosks) expect(config.terminals[k.terminal]?.kind).toBe('kiosk');
    expect(hall.screens.filter((s) => s.kind === 'board')).toHaveLength(1);
    for (const w of hall.windows) {
      expect(hall.screens.filter((s) => s.windowId === w.id).map((s) => s.kind)).toEqual([
        'window-display',
        'rating-pad',
      ]);
    }
  });
});

/**
 * Every rule, broken one at a time in a copy of the shipped files: exactly the listed errors,
 * each naming its file and JSON path.
 */
const cases: { rule: string; edits: Edits; expected: { file: string; path: string; message: RegExp }[] }[] = [
  // printers
  {
    rule: "a printer's dotsPerLine matches its paper width",
    edits: { [D('xprinter-xp58iih-usb')]: (j) => (j.dotsPerLine = 576) },
    expected: [
      {
        file: D('xprinter-xp58iih-usb'),
        path: 'dotsPerLine',
        message: /58 mm paper has 384 dots per line, not 576/,
      },
    ],
  },
  {
    rule: 'paper is 58 or 80 mm',
    edits: { [D('epson-tm-t82iii-usb')]: (j) => (j.paperWidthMm = 76) },
    expected: [{ file: D('epson-tm-t82iii-usb'), path: 'paperWidthMm', message: /58 or 80/ }],
  },
  {
    rule: 'characters per line fit the dots',
    edits: { [D('xprinter-xp58iih-usb')]: (j) => (j.charsPerLine = 48) },
    expected: [{ file: D('xprinter-xp58iih-usb'), path: 'charsPerLine', message: /at most 42/ }],
  },
  {
    rule: 'a USB vendor id is at most 0xFFFF',
    edits: { [D('epson-tm-t82iii-usb')]: (j) => (j.transport.vendorId = '0x1ffff') },
    expected: [
      { file: D('epson-tm-t82iii-usb'), path: 'transport.vendorId', message: /out of range 0x0000–0xffff/ },
    ],
  },
  {
    rule: 'a USB product id is in range',
    edits: { [D('epson-tm-t82iii-usb')]: (j) => (j.transport.productId = '0x11170') },
    expected: [{ file: D('epson-tm-t82iii-usb'), path: 'transport.productId', message: /out of range/ }],
  },
  {
    rule: 'a USB id is a hex string, never a bare (decimal) number (DEV-14)',
    edits: { [D('xprinter-xp58iih-usb')]: (j) => (j.transport.productId = 5011) },
    expected: [
      {
        file: D('xprinter-xp58iih-usb'),
        path: 'transport.productId',
        message: /must be a hex string in quotes, as lsusb prints it: "0x5011"/,
      },
    ],
  },
  {
    rule: 'a USB id string is hex with 0x',
    edits: { [D('xprinter-xp58iih-usb')]: (j) => (j.transport.vendorId = '0416') },
    expected: [
      {
        file: D('xprinter-xp58iih-usb'),
        path: 'transport.vendorId',
        message: /not a hex number like "0xffff"/,
      },
    ],
  },
  {
    rule: 'a typo in a key is an unknown key, and the real key is then missing',
    edits: {
      [D('epson-tm-t82iii-usb')]: (j) => {
        j.transport.productID = j.transport.productId;
        delete j.transport.productId;
      },
    },
    expected: [
      { file: D('epson-tm-t82iii-usb'), path: 'transport.productId', message: /required/ },
      {
        file: D('epson-tm-t82iii-usb'),
        path: 'transport.productID',
        message: /unknown key.*did you mean "productId"/,
      },
    ],
  },
  {
    rule: 'the encoding is GB18030 or GBK (DEV-15)',
    edits: { [D('xprinter-xp80-tcp')]: (j) => (j.encoding = 'big5') },
    expected: [{ file: D('xprinter-xp80-tcp'), path: 'encoding', message: /"gb18030" or "gbk"/ }],
  },
  {
    rule: 'a transport kind is one of the known ones',
    edits: { [D('xprinter-xp80-tcp')]: (j) => (j.transport.kind = 'bluetooth') },
    expected: [
      {
        file: D('xprinter-xp80-tcp'),
        path: 'transport.kind',
        message: /"bluetooth" is not one of "usb", "tcp", "serial"/,
      },
    ],
  },
  {
    rule: 'a TCP port is 1–65535',
    edits: { [D('xprinter-xp80-tcp')]: (j) => (j.transport.port = 0) },
    expected: [{ file: D('xprinter-xp80-tcp'), path: 'transport.port', message: /1/ }],
  },
  {
    rule: 'a required field is reported as required',
    edits: { [D('xprinter-xp80-tcp')]: (j) => delete j.cutter },
    expected: [{ file: D('xprinter-xp80-tcp'), path: 'cutter', message: /required \(boolean\)/ }],
  },
  {
    rule: 'a device class is one of the four',
    edits: { [D('xprinter-xp80-tcp')]: (j) => (j.class = 'printr') },
    expected: [
      {
        file: D('xprinter-xp80-tcp'),
        path: 'class',
        message: /"printr" is not one of.*did you mean "printer"/,
      },
    ],
  },
  {
    rule: "a profile's id is its file name",
    edits: { [D('xprinter-xp80-tcp')]: (j) => (j.id = 'xprinter-xp80-lan') },
    expected: [
      {
        file: D('xprinter-xp80-tcp'),
        path: 'id',
        message: /must match the file name \(xprinter-xp80-tcp\.json\)/,
      },
      // bulk-window still names the file's id
      { file: T('bulk-window'), path: 'devices.printer', message: /no device profile "xprinter-xp80-tcp"/ },
    ],
  },
  {
    rule: 'an id is declared once',
    edits: { [D('zz-copy')]: readFileSync(join(SHIPPED_CONFIG_DIR, D('acs-acr39u')), 'utf8') },
    expected: [
      { file: D('zz-copy'), path: 'id', message: /must match the file name/ },
      { file: D('zz-copy'), path: 'id', message: /already declared in profiles\/devices\/acs-acr39u\.json/ },
    ],
  },
  {
    rule: 'a file is valid JSON',
    edits: { [D('acs-acr39u')]: '{ "id": "acs-acr39u", ' },
    expected: [{ file: D('acs-acr39u'), path: '', message: /invalid JSON/ }],
  },
  {
    rule: 'a file holds an object',
    edits: { [D('acs-acr39u')]: '[]' },
    expected: [{ file: D('acs-acr39u'), path: '', message: /expected object/ }],
  },
  // ID-card readers
  {
    rule: 'a serial SAM reader runs at 115200 baud',
    edits: { [D('cvr-100-serial')]: (j) => (j.transport.baudRate = 9600) },
    expected: [{ file: D('cvr-100-serial'), path: 'transport.baudRate', message: /115200/ }],
  },
  {
    rule: 'a serial path is a device path',
    edits: { [D('cvr-100-serial')]: (j) => (j.transport.path = 'ttyUSB0') },
    expected: [{ file: D('cvr-100-serial'), path: 'transport.path', message: /\/dev\/ttyUSB0/ }],
  },
  {
    rule: 'a USB bulk IN endpoint has the direction bit',
    edits: { [D('sam-usb-bulk')]: (j) => (j.transport.endpoints.in = '0x01') },
    expected: [
      { file: D('sam-usb-bulk'), path: 'transport.endpoints.in', message: /out of range 0x0081–0x008f/ },
    ],
  },
  {
    rule: 'a HID report size is sensible',
    edits: { [D('ss628-hid')]: (j) => (j.transport.reportSize = 4) },
    expected: [{ file: D('ss628-hid'), path: 'transport.reportSize', message: /8/ }],
  },
  // SSC readers
  {
    rule: 'readerNameMatch is a regular expression',
    edits: { [D('acs-acr39u')]: (j) => (j.readerNameMatch = '^ACS (ACR39U') },
    expected: [{ file: D('acs-acr39u'), path: 'readerNameMatch', message: /not a valid regular expression/ }],
  },
  {
    rule: 'card generations are listed once',
    edits: { [D('acs-acr39u')]: (j) => (j.generations = [1, 2, 2]) },
    expected: [{ file: D('acs-acr39u'), path: 'generations', message: /generation 2 is listed twice/ }],
  },
  {
    rule: 'card generations are 1, 2 or 3',
    edits: { [D('acs-acr39u')]: (j) => (j.generations = [1, 4]) },
    expected: [{ file: D('acs-acr39u'), path: 'generations.1', message: /1, 2 or 3/ }],
  },
  {
    rule: 'a reader has at least one interface',
    edits: { [D('acs-acr39u')]: (j) => (j.interfaces = []) },
    expected: [{ file: D('acs-acr39u'), path: 'interfaces', message: /at least one interface/ }],
  },
  {
    rule: 'a contactless-only reader cannot read 1st/2nd generation cards',
    edits: { [D('acs-acr1281u-c1')]: (j) => (j.interfaces = ['contactless']) },
    expected: [
      {
        file: D('acs-acr1281u-c1'),
        path: 'generations',
        message: /contactless-only reader cannot read generation 1 or 2/,
      },
    ],
  },
  // rating pads
  {
    rule: 'a key map maps each level exactly once (duplicate and missing level)',
    edits: { [D('keypad-5key-fkeys')]: (j) => (j.keyMap.F5 = 2) },
    expected: [
      {
        file: D('keypad-5key-fkeys'),
        path: 'keyMap.F5',
        message: /level 2 \(不满意\) is already mapped by "F4"/,
      },
      { file: D('keypad-5key-fkeys'), path: 'keyMap', message: /no key for level 1 \(非常不满意\)/ },
    ],
  },
  {
    rule: 'a key map covers all five levels',
    edits: { [D('rating-pad-serial')]: (j) => delete j.keyMap['3'] },
    expected: [{ file: D('rating-pad-serial'), path: 'keyMap', message: /no key for level 3 \(基本满意\)/ }],
  },
  {
    rule: 'a level is 1–5',
    edits: { [D('keypad-5key-digits')]: (j) => (j.keyMap.Digit5 = 6) },
    expected: [{ file: D('keypad-5key-digits'), path: 'keyMap.Digit5', message: /a level is 1/ }],
  },
  {
    rule: 'a keyboard-wedge key is a key code',
    edits: {
      [D('keypad-5key-fkeys')]: (j) => {
        j.keyMap.Escape = j.keyMap.F5;
        delete j.keyMap.F5;
      },
    },
    expected: [{ file: D('keypad-5key-fkeys'), path: 'keyMap.Escape', message: /not a key code/ }],
  },
  {
    rule: 'a serial pad has a known line ending',
    edits: { [D('rating-pad-serial')]: (j) => (j.transport.lineEnding = '\r\n') },
    expected: [{ file: D('rating-pad-serial'), path: 'transport.lineEnding', message: /crlf/ }],
  },
  // terminals
  {
    rule: 'a kiosk needs a printer',
    edits: { [T('kiosk')]: (j) => delete j.devices.printer },
    expected: [{ file: T('kiosk'), path: 'devices.printer', message: /a kiosk needs a ticket printer/ }],
  },
  {
    rule: 'a kiosk needs an ID-card reader',
    edits: { [T('kiosk')]: (j) => delete j.devices.idCardReader },
    expected: [
      { file: T('kiosk'), path: 'devices.idCardReader', message: /a kiosk needs an ID-card reader/ },
    ],
  },
  {
    rule: 'a comprehensive window needs a printer',
    edits: { [T('comprehensive-window')]: (j) => delete j.devices.printer },
    expected: [
      {
        file: T('comprehensive-window'),
        path: 'devices.printer',
        message: /comprehensive window needs a printer/,
      },
    ],
  },
  {
    rule: 'a comprehensive window needs an ID-card or SSC reader',
    edits: {
      [T('comprehensive-window')]: (j) => {
        delete j.devices.idCardReader;
        delete j.devices.sscReader;
      },
    },
    expected: [
      {
        file: T('comprehensive-window'),
        path: 'devices.idCardReader',
        message: /ID-card reader or an SSC reader/,
      },
    ],
  },
  {
    rule: 'a comprehensive window needs a rating pad',
    edits: { [T('comprehensive-window')]: (j) => delete j.devices.ratingPad },
    expected: [{ file: T('comprehensive-window'), path: 'devices.ratingPad', message: /needs a rating pad/ }],
  },
  {
    rule: 'a comprehensive window needs a scanner or document camera',
    edits: {
      [T('comprehensive-window')]: (j) => {
        delete j.devices.documentScanner;
        delete j.devices.documentCamera;
      },
    },
    expected: [
      {
        file: T('comprehensive-window'),
        path: 'devices.documentScanner',
        message: /scanner or document camera/,
      },
    ],
  },
  {
    rule: 'MAT-DEV-1: a window names a scanner profile of class "scanner", not a camera',
    edits: { [T('comprehensive-window')]: (j) => (j.devices.documentScanner = 'usb-document-camera') },
    expected: [
      {
        file: T('comprehensive-window'),
        path: 'devices.documentScanner',
        message: /has class "document-camera"; devices.documentScanner needs a profile of class "scanner"/,
      },
    ],
  },
  {
    rule: 'MAT-DEV-1: a SANE device name as scanimage -L lists it',
    edits: { [D('sane-test')]: (j) => (j.transport.device = 'Test Scanner 1') },
    expected: [{ file: D('sane-test'), path: 'transport.device', message: /scanimage -L/ }],
  },
  {
    rule: 'a rights window needs a printer, a reader and a rating pad',
    edits: {
      [T('rights-window')]: (j) => {
        j.devices = {};
      },
    },
    expected: [
      { file: T('rights-window'), path: 'devices.printer', message: /rights window needs a printer/ },
      {
        file: T('rights-window'),
        path: 'devices.idCardReader',
        message: /rights window needs an ID-card reader or an SSC reader/,
      },
      { file: T('rights-window'), path: 'devices.ratingPad', message: /rights window needs a rating pad/ },
    ],
  },
  {
    rule: 'a referenced device profile exists',
    edits: { [T('rights-window')]: (j) => (j.devices.ratingPad = 'keypad-5key-fkey') },
    expected: [
      {
        file: T('rights-window'),
        path: 'devices.ratingPad',
        message: /no device profile "keypad-5key-fkey".*did you mean "keypad-5key-fkeys"/,
      },
    ],
  },
  {
    rule: 'a referenced device profile has the right class',
    edits: { [T('rights-window')]: (j) => (j.devices.printer = 'acs-acr39u') },
    expected: [
      {
        file: T('rights-window'),
        path: 'devices.printer',
        message: /"acs-acr39u" has class "ssc-reader".*"printer"/,
      },
    ],
  },
  {
    rule: 'two devices of a terminal do not share a serial port',
    edits: {
      [D('rating-pad-serial')]: (j) => (j.transport.path = '/dev/ttyUSB0'),
      [T('rights-window')]: (j) => (j.devices.idCardReader = 'cvr-100-serial'),
    },
    expected: [
      {
        file: T('rights-window'),
        path: 'devices.ratingPad',
        message: /serial port \/dev\/ttyUSB0, as does devices.idCardReader/,
      },
    ],
  },
  {
    rule: 'a scanner is a barcode scanner or a document camera',
    edits: { [T('bulk-window')]: (j) => (j.devices.scanner = 'flatbed') },
    expected: [{ file: T('bulk-window'), path: 'devices.scanner', message: /barcode.*document-camera/ }],
  },
  {
    rule: 'a misspelt device slot is an unknown key',
    edits: { [T('kiosk')]: (j) => (j.devices.scaner = 'barcode') },
    expected: [{ file: T('kiosk'), path: 'devices.scaner', message: /did you mean "scanner"/ }],
  },
  {
    rule: "a screen's orientation matches its size",
    edits: { [T('kiosk')]: (j) => (j.screen.orientation = 'landscape') },
    expected: [
      { file: T('kiosk'), path: 'screen.orientation', message: /1080×1920 is portrait, not landscape/ },
    ],
  },
  // hall layout
  {
    rule: "a window's terminal profile exists",
    edits: { [HALL]: (j) => (j.windows[2].terminal = 'comprehensive') },
    expected: [{ file: HALL, path: 'windows.2.terminal', message: /no terminal profile "comprehensive"/ }],
  },
  {
    rule: "a window's terminal is a window terminal",
    edits: { [HALL]: (j) => (j.windows[7].terminal = 'kiosk') },
    expected: [{ file: HALL, path: 'windows.7.terminal', message: /"kiosk" is a kiosk terminal/ }],
  },
  {
    rule: "a kiosk's terminal is a kiosk terminal",
    edits: { [HALL]: (j) => (j.kiosks[1].terminal = 'bulk-window') },
    expected: [
      {
        file: HALL,
        path: 'kiosks.1.terminal',
        message: /has kind "bulk-window"; a kiosk needs a terminal of kind "kiosk"/,
      },
    ],
  },
  {
    rule: 'window numbers are unique',
    edits: { [HALL]: (j) => (j.windows[6].number = 1) },
    expected: [
      { file: HALL, path: 'windows.6.number', message: /window number 1 is already used by windows.0/ },
    ],
  },
  {
    rule: 'ids are unique across the hall',
    edits: { [HALL]: (j) => (j.kiosks[1].id = 'w1') },
    expected: [{ file: HALL, path: 'kiosks.1.id', message: /id "w1" is already used by windows.0/ }],
  },
  {
    rule: 'a window display needs a windowId',
    edits: { [HALL]: (j) => delete j.screens[3].windowId },
    expected: [
      { file: HALL, path: 'screens.3.windowId', message: /window-display screen needs the windowId/ },
    ],
  },
  {
    rule: "a rating pad's windowId exists",
    edits: { [HALL]: (j) => (j.screens[12].windowId = 'w9') },
    expected: [{ file: HALL, path: 'screens.12.windowId', message: /no window "w9" in this hall/ }],
  },
  {
    rule: 'a board has no windowId',
    edits: { [HALL]: (j) => (j.screens[0].windowId = 'w1') },
    expected: [{ file: HALL, path: 'screens.0.windowId', message: /a board shows the whole hall/ }],
  },
  {
    rule: 'a window has one window display',
    edits: { [HALL]: (j) => (j.screens[2].windowId = 'w1') },
    expected: [
      {
        file: HALL,
        path: 'screens.2.windowId',
        message: /window "w1" already has a window-display \(screens.1\)/,
      },
    ],
  },
  {
    rule: 'a resolution is one of the supported ones',
    edits: { [HALL]: (j) => (j.screens[0].resolution = '1280x720') },
    expected: [{ file: HALL, path: 'screens.0.resolution', message: /1920x1080/ }],
  },
  {
    rule: 'every window has a rating device',
    edits: {
      [T('bulk-window')]: (j) => delete j.devices.ratingPad,
      [HALL]: (j) => {
        j.screens = j.screens.filter((s: Json) => s.id !== 'rating-w8');
      },
    },
    expected: [{ file: HALL, path: 'windows.7', message: /window "w8" has no rating device/ }],
  },
  {
    rule: 'a hall has windows',
    edits: {
      [HALL]: (j) => {
        j.windows = [];
        j.screens = j.screens.filter((s: Json) => s.kind === 'board');
      },
    },
    expected: [{ file: HALL, path: 'windows', message: /at least one window/ }],
  },
  {
    rule: 'a misspelt hall key is an unknown key',
    edits: {
      [HALL]: (j) => {
        j.kiosk = j.kiosks;
        delete j.kiosks;
      },
    },
    expected: [
      { file: HALL, path: 'kiosks', message: /required \(array\)/ },
      { file: HALL, path: 'kiosk', message: /unknown key "kiosk" \(did you mean "kiosks"\?\)/ },
    ],
  },
  {
    rule: 'the three folders exist',
    edits: { halls: null },
    expected: [{ file: 'halls', path: '', message: /folder not found/ }],
  },
];

describe('every rule names the file and the exact path when broken', () => {
  it.each(cases)('$rule', ({ edits, expected }) => {
    const { errors } = loadFirmwareConfig(brokenCopy(edits));
    const sorted = <T extends { file: string; path: string }>(list: T[]) =>
      [...list].sort((a, b) => `${a.file} ${a.path}`.localeCompare(`${b.file} ${b.path}`));
    expect(sorted(errors)).toEqual(
      sorted(expected).map((e) => ({
        file: e.file,
        path: e.path,
        message: expect.stringMatching(e.message),
      })),
    );
  });
});

describe('loading', () => {
  it('returns every error at once, across files', () => {
    const { errors, config } = loadFirmwareConfig(
      brokenCopy({
        [D('xprinter-xp58iih-usb')]: (j) => (j.dotsPerLine = 576),
        [T('kiosk')]: (j) => delete j.devices.printer,
        [HALL]: (j) => (j.windows[0].number = 2),
      }),
    );
    expect(errors.map((e) => `${e.file}: ${e.path}`)).toEqual([
      'profiles/devices/xprinter-xp58iih-usb.json: dotsPerLine',
      'profiles/terminals/kiosk.json: devices.printer',
      'halls/demo.json: windows.1.number',
    ]);
    // What is valid is still loaded; what is not is left out.
    expect(config.devices['xprinter-xp58iih-usb']).toBeUndefined();
    expect(config.devices['epson-tm-t82iii-usb']).toBeDefined();
    expect(config.terminals.kiosk).toBeUndefined();
    expect(config.halls.demo).toBeUndefined();
  });

  it('does not report a reference to a broken profile a second time', () => {
    // comprehensive-window and rights-window use the broken printer; only the printer's file is named.
    const { errors } = loadFirmwareConfig(brokenCopy({ [D('xprinter-xp58iih-usb')]: (j) => (j.qr = 'qr') }));
    expect(errors.map((e) => e.file)).toEqual([D('xprinter-xp58iih-usb')]);
  });

  it('never throws for a missing folder', () => {
    const { errors } = loadFirmwareConfig(join(tmpdir(), 'no-such-firmware-config'));
    expect(errors).toEqual([{ file: '.', path: '', message: expect.stringMatching(/is not a directory/) }]);
  });

  it('checks files already read, without the file system', () => {
    const read = (file: string) => ({ file, text: readFileSync(join(SHIPPED_CONFIG_DIR, file), 'utf8') });
    const { errors, config } = checkFirmwareConfig([
      read(D('acs-acr39u')),
      { file: 'elsewhere/x.json', text: '{}' },
    ]);
    expect(errors).toEqual<ConfigError[]>([
      {
        file: 'elsewhere/x.json',
        path: '',
        message: expect.stringMatching(/not a configuration file location/),
      },
    ]);
    expect(Object.keys(config.devices)).toEqual(['acs-acr39u']);
  });
});

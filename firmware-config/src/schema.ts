/**
 * The schema of OneWindow's hardware configuration: device profiles (one model of printer,
 * ID-card reader, social security card reader or rating pad), terminal profiles (the set of
 * devices on one hall PC: a kiosk or a window) and hall layouts (windows, kiosks, screens).
 *
 * Everything here is pure (no I/O) so the terminal agent, the console and the tests can share
 * it. Rules that need more than one file (a terminal naming a device profile, a hall naming a
 * terminal profile) live in `check.ts`.
 *
 * Objects are strict: an unknown key is an error, so a typo (`baudrate`) never silently falls
 * back to a default. USB ids may be written as hex strings (`"0x04b8"`, as `lsusb` prints
 * them) or as numbers; after parsing they are numbers.
 */
import type { DeviceKind, WindowPost } from '@onewindow/shared';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Profile ids: lower-case words joined by dashes; also the file name (`<id>.json`). */
export const PROFILE_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const profileId = z
  .string()
  .max(64, 'an id has at most 64 characters')
  .regex(
    PROFILE_ID_PATTERN,
    'an id is lower-case letters and digits joined by dashes, e.g. "epson-tm-t82iii-usb"',
  );

/** Ids inside a hall (windows, kiosks, screens): the ids queue-server and paired devices use. */
const hallId = z
  .string()
  .max(64, 'an id has at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'an id is letters, digits, "-" and "_", e.g. "w1"');

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

/** Free text for people: where ids come from, what to verify on a real unit. */
const note = text(500).optional();

/**
 * A non-negative integer written as a hex string ("0x04b8"), limited to `min`–`max`. The parsed
 * value is a number. A JSON number is refused: `lsusb` prints `ID 0416:5011` in hex, and
 * `"productId": 5011` copied from it would silently be decimal 5011 = 0x1393, another device.
 */
function hexInt(what: string, min: number, max: number) {
  const range = `${hex(min)}–${hex(max)}`;
  return z
    .union([z.number(), z.string()], { error: `${what} must be a hex string like "${hex(max)}"` })
    .transform((value, ctx) => {
      if (typeof value === 'number') {
        ctx.addIssue({
          code: 'custom',
          message:
            `${what} must be a hex string in quotes, as lsusb prints it: "0x${String(value)}", not ${String(value)} ` +
            `(a bare number is decimal: ${String(value)} = ${Number.isInteger(value) && value >= 0 ? hex(value) : 'not an id'})`,
        });
        return z.NEVER;
      }
      const n = /^0x[0-9a-f]+$/i.test(value) ? Number.parseInt(value.slice(2), 16) : Number.NaN;
      if (Number.isNaN(n)) {
        ctx.addIssue({
          code: 'custom',
          message: `${what} "${value}" is not a hex number like "${hex(max)}"`,
        });
        return z.NEVER;
      }
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${what} ${String(value)} is out of range ${range}` });
        return z.NEVER;
      }
      return n;
    });
}

/** `0x04b8`: four hex digits, as USB ids are usually written. */
export function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

/** `04b8`: the form `lsusb` prints and udev's `ATTRS{idVendor}` matches. */
export function formatUsbId(n: number): string {
  return n.toString(16).padStart(4, '0');
}

const usbId = hexInt('a USB id', 0, 0xffff);

export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400] as const;
const baudRate = z.literal(BAUD_RATES, { error: `a standard baud rate: ${BAUD_RATES.join(', ')}` });

const serialPath = z
  .string()
  .regex(
    /^(?:\/dev\/[\w.:+@/-]+|COM[1-9]\d*)$/,
    'a serial device path like /dev/ttyUSB0, /dev/serial/by-id/… or a udev symlink (COM3 on Windows)',
  );

const host = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a host name or an IPv4 address, e.g. 192.168.1.87')
  .refine(
    // Digits and dots only is an IPv4 address (no top-level domain is numeric): four parts 0–255.
    (h) =>
      !/^[\d.]+$/.test(h) ||
      /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(h),
    { error: (i) => `"${String(i.input)}" is not an IPv4 address: four numbers 0–255, e.g. 192.168.1.87` },
  );

/**
 * Runs an object-level rule only when the fields it reads parsed cleanly, so that one broken
 * field gives one error and unrelated errors do not hide the rule.
 */
function whenClean(...fields: string[]) {
  return {
    when: (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
      !payload.issues.some((issue) => fields.includes(String(issue.path?.[0]))),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function duplicates<T>(values: readonly T[]): T[] {
  return values.filter((v, i) => values.indexOf(v) !== i);
}

// ---------------------------------------------------------------------------------------------
// Printers (ESC/POS)

/** Printable dots per line of the common thermal heads: 48 mm at 8 dots/mm, 72 mm at 8 dots/mm. */
export const DOTS_PER_LINE = { 58: 384, 80: 576 } as const;
export const PAPER_WIDTHS_MM = [58, 80] as const;
export type PaperWidthMm = (typeof PAPER_WIDTHS_MM)[number];

/** The narrowest standard ESC/POS font (font B) is 9 dots wide. */
const NARROWEST_FONT_DOTS = 9;

const printerTransportSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('usb'), vendorId: usbId, productId: usbId }),
  z.strictObject({
    kind: z.literal('tcp'),
    host,
    port: z.int().min(1).max(65535).default(9100),
  }),
  z.strictObject({ kind: z.literal('serial'), path: serialPath, baudRate }),
]);

export const printerProfileSchema = z
  .strictObject({
    id: profileId,
    class: z.literal('printer'),
    model: text(100),
    vendor: text(100),
    note,
    transport: printerTransportSchema,
    paperWidthMm: z.literal(PAPER_WIDTHS_MM, { error: 'paper width is 58 or 80 (mm)' }),
    /** 384 for 58 mm paper, 576 for 80 mm paper. */
    dotsPerLine: z.int().positive(),
    /** Characters per line in the font used for tickets (font A, 12 dots: 32 or 48). */
    charsPerLine: z.int().min(16, 'at least 16 characters per line'),
    /**
     * What the printer's font covers. `gb18030`: every character, 4-byte ones such as 𠮷
     * included. `gbk`: a GBK-only font, which prints a 4-byte GB18030 sequence as two wrong
     * characters; the agent prints □ for such characters instead.
     */
    encoding: z.enum(['gb18030', 'gbk'], { error: 'encoding must be "gb18030" or "gbk"' }),
    /** `fs-ampersand`: send `FS &` to enter Chinese mode (Epson CN models); `none`: always on. */
    chineseMode: z.enum(['fs-ampersand', 'none']),
    /** `gs-k`: native `GS ( k` QR; `raster`: print the QR as a `GS v 0` bitmap; `none`: no QR. */
    qr: z.enum(['gs-k', 'raster', 'none']),
    cutter: z.boolean(),
    /**
     * Without a cutter: lines fed after the last printed line so that it clears the tear bar
     * (the feed a cutter's `GS V 66` would do). Default 2; ignored with a cutter.
     */
    tearBarLines: z.int().min(0).max(12).optional(),
    /** `dle-eot`: the printer answers `DLE EOT n` (paper end / near end). */
    statusQuery: z.enum(['dle-eot', 'none']),
  })
  .superRefine(
    (p, ctx) => {
      const expected = DOTS_PER_LINE[p.paperWidthMm];
      if (p.dotsPerLine !== expected) {
        ctx.addIssue({
          code: 'custom',
          path: ['dotsPerLine'],
          message: `${p.paperWidthMm} mm paper has ${expected} dots per line, not ${p.dotsPerLine}`,
        });
      }
    },
    whenClean('paperWidthMm', 'dotsPerLine'),
  )
  .superRefine(
    (p, ctx) => {
      const max = Math.floor(p.dotsPerLine / NARROWEST_FONT_DOTS);
      if (p.charsPerLine > max) {
        ctx.addIssue({
          code: 'custom',
          path: ['charsPerLine'],
          message: `${p.charsPerLine} characters do not fit in ${p.dotsPerLine} dots (at most ${max}, font B)`,
        });
      }
    },
    whenClean('dotsPerLine', 'charsPerLine'),
  );

// ---------------------------------------------------------------------------------------------
// Resident ID card readers (SAM, GA 467 family)

export const SAM_BAUD_RATE = 115200;

const idCardTransportSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('serial'),
    path: serialPath,
    baudRate: z.literal(SAM_BAUD_RATE, { error: 'SAM readers talk at 115200 baud (8N1)' }),
  }),
  z.strictObject({
    kind: z.literal('hid'),
    vendorId: usbId,
    productId: usbId,
    /** Bytes per HID report (without the report id); 64 on most readers. */
    reportSize: z.int().min(8).max(1024),
  }),
  z.strictObject({
    kind: z.literal('usb-bulk'),
    vendorId: usbId,
    productId: usbId,
    endpoints: z.strictObject({
      in: hexInt('an IN endpoint address', 0x81, 0x8f),
      out: hexInt('an OUT endpoint address', 0x01, 0x0f),
    }),
  }),
]);

export const idCardReaderProfileSchema = z.strictObject({
  id: profileId,
  class: z.literal('id-card-reader'),
  model: text(100),
  vendor: text(100),
  note,
  /** The frame protocol: `AA AA AA 96 69 | LEN | CMD PARA [DATA] | CHK` (GA 467). */
  protocol: z.literal('ga467-sam', { error: 'protocol must be "ga467-sam"' }),
  transport: idCardTransportSchema,
  /** How often the agent sends "find card" (`20 01`). */
  pollIntervalMs: z.int().min(100).max(5000),
  /** Supports "read new address" (`30 03`). */
  readsAddressUpdate: z.boolean(),
  /** Supports "read with fingerprint" (`30 10`). */
  fingerprint: z.boolean(),
});

// ---------------------------------------------------------------------------------------------
// Social security card readers (PC/SC)

export const SSC_GENERATIONS = [1, 2, 3] as const;
export type SscGeneration = (typeof SSC_GENERATIONS)[number];
export const CARD_INTERFACES = ['contact', 'contactless'] as const;

export const sscReaderProfileSchema = z
  .strictObject({
    id: profileId,
    class: z.literal('ssc-reader'),
    model: text(100),
    vendor: text(100),
    note,
    /**
     * A regular expression (matched case-insensitively) selecting the PC/SC reader name, e.g.
     * `^ACS ACR39U ICC Reader`. A dual-interface reader shows two names (contact / contactless).
     */
    readerNameMatch: text(200).superRefine((source, ctx) => {
      try {
        new RegExp(source, 'i');
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
      }
    }),
    interfaces: z
      .array(z.enum(CARD_INTERFACES))
      .min(1, 'at least one interface')
      .superRefine((list, ctx) => {
        for (const d of new Set(duplicates(list)))
          ctx.addIssue({ code: 'custom', message: `"${d}" is listed twice` });
      }),
    /** Card generations the reader and its middleware read (1st, 2nd, 3rd generation SSC). */
    generations: z
      .array(z.literal(SSC_GENERATIONS, { error: 'a card generation is 1, 2 or 3' }))
      .min(1, 'at least one card generation')
      .superRefine((list, ctx) => {
        for (const d of new Set(duplicates(list)))
          ctx.addIssue({ code: 'custom', message: `generation ${d} is listed twice` });
      }),
    /** Optional, for `lsusb` and udev rules; PC/SC itself finds readers by name. */
    usb: z.strictObject({ vendorId: usbId, productId: usbId }).optional(),
  })
  .superRefine(
    (r, ctx) => {
      // 1st and 2nd generation cards have a contact chip only; the 3rd adds contactless.
      const old = r.generations.filter((g) => g < 3);
      if (!r.interfaces.includes('contact') && old.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['generations'],
          message: `a contactless-only reader cannot read generation ${old.join(' or ')} cards (contact chip only)`,
        });
      }
    },
    whenClean('interfaces', 'generations'),
  );

// ---------------------------------------------------------------------------------------------
// Rating pads (评价器)

export const RATING_LEVELS = [1, 2, 3, 4, 5] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];
/** 非常满意 5 … 非常不满意 1 (政务服务"好差评"). */
export const RATING_LEVEL_NAMES: Record<RatingLevel, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};

/** `KeyboardEvent.code` names a keyboard-wedge pad can send. */
export const KEY_CODE_PATTERN =
  /^(?:F(?:[1-9]|1\d|2[0-4])|Digit\d|Numpad\d|Key[A-Z]|Enter|NumpadEnter|Space|Arrow(?:Up|Down|Left|Right))$/;
const BYTE_PATTERN = /^(?:0x[0-9a-fA-F]{1,2}|\d{1,3})$/;

/** A report byte value written as "0x05" or "5"; `undefined` when not a byte. */
export function parseByteKey(key: string): number | undefined {
  if (!BYTE_PATTERN.test(key)) return undefined;
  const n = key.startsWith('0x') ? Number.parseInt(key.slice(2), 16) : Number.parseInt(key, 10);
  return n <= 255 ? n : undefined;
}

const ratingPadTransportSchema = z.discriminatedUnion('kind', [
  /** Types a key per level into the focused window (the cheapest pads). */
  z.strictObject({ kind: z.literal('hid-keyboard'), vendorId: usbId, productId: usbId }),
  /** Vendor HID reports: the level is the value of byte `reportByte`. */
  z.strictObject({
    kind: z.literal('hid-report'),
    vendorId: usbId,
    productId: usbId,
    reportByte: z.int().min(0).max(63),
  }),
  /** One text line per press, often through the window caller's serial line. */
  z.strictObject({
    kind: z.literal('serial'),
    path: serialPath,
    baudRate,
    lineEnding: z.enum(['crlf', 'lf', 'cr']),
  }),
]);

export const ratingPadProfileSchema = z
  .strictObject({
    id: profileId,
    class: z.literal('rating-pad'),
    model: text(100),
    vendor: text(100),
    note,
    transport: ratingPadTransportSchema,
    /**
     * What the pad sends → level. Keys are `KeyboardEvent.code` names (hid-keyboard), byte values
     * "0x05" / "5" (hid-report) or whole lines without the line ending (serial).
     */
    keyMap: z.record(
      z.string().min(1, 'a key must not be empty').max(32),
      z.literal(RATING_LEVELS, { error: 'a level is 1 (非常不满意) … 5 (非常满意)' }),
    ),
  })
  .superRefine(
    (pad, ctx) => {
      // Each key must be something this transport can send.
      const byteKeyOf = new Map<number, string>();
      for (const key of Object.keys(pad.keyMap)) {
        const at = ['keyMap', key];
        const kind = pad.transport.kind;
        if (kind === 'hid-keyboard' && !KEY_CODE_PATTERN.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: at,
            message: `"${key}" is not a key code (F1, Digit1, Numpad1, KeyA …)`,
          });
        }
        if (kind === 'hid-report') {
          const byte = parseByteKey(key);
          if (byte === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: at,
              message: `"${key}" is not a byte value ("0x01" or 0–255)`,
            });
          } else if (byteKeyOf.has(byte)) {
            ctx.addIssue({
              code: 'custom',
              path: at,
              message: `byte ${byte} is also mapped as "${byteKeyOf.get(byte)}"`,
            });
          } else byteKeyOf.set(byte, key);
        }
        if (kind === 'serial' && (/[\r\n]/.test(key) || key.trim() !== key)) {
          ctx.addIssue({
            code: 'custom',
            path: at,
            message: 'a serial line is matched without line ending or outer spaces',
          });
        }
      }
    },
    {
      // Runs beside the level checks: needs a parsed transport and a key map object.
      when: (payload) =>
        !payload.issues.some((i) => i.path?.[0] === 'transport') && isRecord(field(payload.value, 'keyMap')),
    },
  )
  .superRefine(
    (pad, ctx) => {
      // Levels 1–5, each exactly once.
      const firstKeyOf = new Map<number, string>();
      for (const [key, level] of Object.entries(pad.keyMap)) {
        const first = firstKeyOf.get(level);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['keyMap', key],
            message: `level ${level} (${RATING_LEVEL_NAMES[level]}) is already mapped by "${first}"; each level needs exactly one key`,
          });
        } else firstKeyOf.set(level, key);
      }
      const missing = RATING_LEVELS.filter((level) => !firstKeyOf.has(level));
      if (missing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['keyMap'],
          message: `no key for level ${missing.map((l) => `${l} (${RATING_LEVEL_NAMES[l]})`).join(', ')}; the key map must cover levels 1–5 exactly once`,
        });
      }
    },
    {
      // Runs beside the key checks: needs every value to be a level.
      when: (payload) => {
        const keyMap = field(payload.value, 'keyMap');
        return (
          isRecord(keyMap) &&
          Object.values(keyMap).every((v) => (RATING_LEVELS as readonly unknown[]).includes(v))
        );
      },
    },
  );

// ---------------------------------------------------------------------------------------------
// Document scanners (SANE) and document cameras (高拍仪, UVC): SPEC MAT-DEV-1

/**
 * A SANE device name as `scanimage -L` lists it: a backend, optionally `:` and the backend's
 * address (`test`, `genesys:libusb:001:004`, `epson2:net:192.168.1.20`).
 */
export const SANE_DEVICE_PATTERN = /^[a-z][a-z0-9_]*(?::[A-Za-z0-9_.:/@=-]+)?$/;

export const SCAN_MODES = ['Color', 'Gray'] as const;
export const SCAN_SOURCES = ['Flatbed', 'ADF'] as const;
/** Paper sizes a scan is cut to, in millimetres (width × height). */
export const PAGE_SIZES_MM = {
  A4: [210, 297],
  A5: [148, 210],
  B5: [176, 250],
  Letter: [216, 279],
} as const;
export type PageSize = keyof typeof PAGE_SIZES_MM;

export const scannerProfileSchema = z
  .strictObject({
    id: profileId,
    class: z.literal('scanner'),
    model: text(100),
    vendor: text(100),
    note,
    /** How the agent reaches it: SANE (`scanimage`), or a simulator for the demo hall only. */
    transport: z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('sane'),
        device: z
          .string()
          .max(128, 'a SANE device name has at most 128 characters')
          .regex(
            SANE_DEVICE_PATTERN,
            'a SANE device name as `scanimage -L` lists it, e.g. "test" or "genesys:libusb:001:004"',
          ),
      }),
      /** DEMO ONLY: pages from the agent's simulator, never a hall's hardware. */
      z.strictObject({ kind: z.literal('simulated') }),
    ]),
    /** Dots per inch. 150–300 is what a case file needs; the server shrinks anything over 2480 px. */
    resolution: z
      .int('resolution is a whole number of dpi')
      .min(75, 'at least 75 dpi')
      .max(600, 'at most 600 dpi (the server keeps ≤ 2480 px on the long side: A4 at 300 dpi)'),
    mode: z.enum(SCAN_MODES),
    /** Flatbed: one page per scan; ADF: every sheet in the feeder (scanimage --batch). */
    source: z.enum(SCAN_SOURCES),
    /**
     * The backend's own name of that source when it is not `Flatbed` / `ADF` (`scanimage -d … --help`
     * lists them, e.g. "Automatic Document Feeder", "ADF Front").
     */
    sourceName: text(64).optional(),
    pageSize: z.enum(Object.keys(PAGE_SIZES_MM) as [PageSize, ...PageSize[]]),
    /** An ADF scan stops after this many sheets (default 20); a flatbed scans one page. */
    maxPages: z.int().min(1).max(50).optional(),
    /** A scan still running after this is stopped and reported (device stuck or jammed). */
    timeoutS: z.int().min(5).max(300).default(60),
    usb: z.strictObject({ vendorId: usbId, productId: usbId }).optional(),
  })
  .superRefine(
    (s, ctx) => {
      if (s.source === 'Flatbed' && s.maxPages !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxPages'],
          message: 'a flatbed scans one page at a time; maxPages is for source "ADF"',
        });
      }
    },
    whenClean('source', 'maxPages'),
  );

export const CAMERA_ROTATIONS = [0, 90, 180, 270] as const;

export const documentCameraProfileSchema = z
  .strictObject({
    id: profileId,
    class: z.literal('document-camera'),
    model: text(100),
    vendor: text(100),
    note,
    /**
     * A regular expression (case-insensitive) matched against the browser's camera label
     * (`MediaDeviceInfo.label`, e.g. "USB Camera (1b3f:2247)"), so the console picks the 高拍仪
     * and not the PC's webcam.
     */
    labelMatch: text(200).superRefine((source, ctx) => {
      try {
        new RegExp(source, 'i');
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
      }
    }),
    /** Preferred capture size; the browser picks the nearest the camera offers. */
    width: z.int().min(320).max(7680),
    height: z.int().min(240).max(4320),
    /** Degrees clockwise to turn each shot (a camera mounted sideways over the desk). */
    rotation: z
      .literal(CAMERA_ROTATIONS, { error: 'rotation is 0, 90, 180 or 270 (degrees clockwise)' })
      .default(0),
    usb: z.strictObject({ vendorId: usbId, productId: usbId }).optional(),
  })
  .superRefine(
    (c, ctx) => {
      if (c.width < c.height) {
        ctx.addIssue({
          code: 'custom',
          path: ['width'],
          message: `${c.width}×${c.height}: give the camera's landscape size (width ≥ height) and turn it with "rotation"`,
        });
      }
    },
    whenClean('width', 'height'),
  );

// ---------------------------------------------------------------------------------------------
// Any device profile

export const DEVICE_CLASSES = [
  'printer',
  'id-card-reader',
  'ssc-reader',
  'rating-pad',
  'scanner',
  'document-camera',
] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export const deviceProfileSchema = z.discriminatedUnion('class', [
  printerProfileSchema,
  idCardReaderProfileSchema,
  sscReaderProfileSchema,
  ratingPadProfileSchema,
  scannerProfileSchema,
  documentCameraProfileSchema,
]);

// ---------------------------------------------------------------------------------------------
// Terminal profiles: the devices on one hall PC

export const TERMINAL_KINDS = ['kiosk', 'comprehensive-window', 'rights-window', 'bulk-window'] as const;
export type TerminalKind = (typeof TERMINAL_KINDS)[number];

/** The queue-server post a window terminal serves (`WindowDefinition.post`). */
export const TERMINAL_POSTS = {
  'comprehensive-window': 'comprehensive',
  'rights-window': 'rights',
  'bulk-window': 'bulk',
} as const satisfies Record<Exclude<TerminalKind, 'kiosk'>, WindowPost>;

/** `devices` slot → the device class it must reference. */
export const DEVICE_SLOTS = {
  printer: 'printer',
  idCardReader: 'id-card-reader',
  sscReader: 'ssc-reader',
  ratingPad: 'rating-pad',
  /** The window's document scanner (SANE), driven by the agent on 扫描 (MAT-DEV-2). */
  documentScanner: 'scanner',
  /** The window's 高拍仪, which the console opens with getUserMedia (MAT-DEV-3). */
  documentCamera: 'document-camera',
} as const satisfies Record<string, DeviceClass>;
export type DeviceSlot = keyof typeof DEVICE_SLOTS;

export const SCANNERS = ['barcode', 'document-camera'] as const;

export const terminalProfileSchema = z
  .strictObject({
    id: profileId,
    kind: z.enum(TERMINAL_KINDS),
    name: text(100).optional(),
    note,
    devices: z.strictObject({
      printer: profileId.optional(),
      idCardReader: profileId.optional(),
      sscReader: profileId.optional(),
      ratingPad: profileId.optional(),
      documentScanner: profileId.optional(),
      documentCamera: profileId.optional(),
      /** `barcode`: 扫码枪 (e-SSC / appointment codes); `document-camera`: 高拍仪 for materials. */
      scanner: z.enum(SCANNERS).optional(),
    }),
    screen: z
      .strictObject({
        orientation: z.enum(['portrait', 'landscape']),
        width: z.int().min(240).max(7680),
        height: z.int().min(240).max(7680),
      })
      .superRefine(
        (s, ctx) => {
          const actual = s.height > s.width ? 'portrait' : 'landscape';
          if (s.orientation !== actual) {
            ctx.addIssue({
              code: 'custom',
              path: ['orientation'],
              message: `${s.width}×${s.height} is ${actual}, not ${s.orientation}`,
            });
          }
        },
        whenClean('orientation', 'width', 'height'),
      )
      .optional(),
  })
  .superRefine(
    (t, ctx) => {
      for (const issue of annexCIssues(t.kind, t.devices)) ctx.addIssue({ code: 'custom', ...issue });
    },
    {
      // Only which slots are filled matters, so a malformed id in one slot does not hide this rule.
      when: (payload) =>
        (TERMINAL_KINDS as readonly unknown[]).includes(field(payload.value, 'kind')) &&
        isRecord(field(payload.value, 'devices')),
    },
  );

/**
 * LD/T 02—2021 Annex C: a comprehensive window has a printer, a scanner or document camera, an
 * SSC or ID-card reader and a rating device; a rights window the same without the scanner. A
 * kiosk issues tickets (printer) and identifies citizens (ID-card reader). Bulk (employer)
 * windows are not in Annex C and have no required devices.
 */
function annexCIssues(
  kind: TerminalKind,
  devices: Partial<Record<DeviceSlot, string>> & { scanner?: string | undefined },
): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const need = (slot: DeviceSlot | 'scanner', what: string) => {
    if (devices[slot] === undefined) issues.push({ path: ['devices', slot], message: what });
  };
  if (kind === 'kiosk') {
    need('printer', 'a kiosk needs a ticket printer');
    need('idCardReader', 'a kiosk needs an ID-card reader');
  }
  if (kind === 'comprehensive-window' || kind === 'rights-window') {
    const label = kind === 'comprehensive-window' ? 'a comprehensive window' : 'a rights window';
    need('printer', `${label} needs a printer (LD/T 02 Annex C)`);
    if (devices.idCardReader === undefined && devices.sscReader === undefined) {
      issues.push({
        path: ['devices', 'idCardReader'],
        message: `${label} needs an ID-card reader or an SSC reader (devices.idCardReader or devices.sscReader; LD/T 02 Annex C)`,
      });
    }
    need('ratingPad', `${label} needs a rating pad (LD/T 02 Annex C)`);
    if (
      kind === 'comprehensive-window' &&
      devices.scanner === undefined &&
      devices.documentScanner === undefined &&
      devices.documentCamera === undefined
    ) {
      issues.push({
        path: ['devices', 'documentScanner'],
        message:
          'a comprehensive window needs a scanner or document camera (devices.documentScanner or devices.documentCamera; LD/T 02 Annex C)',
      });
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Hall layout

/** Screens are the display devices queue-server pairs (`DEVICE_KINDS` in shared). */
export const SCREEN_KINDS = [
  'board',
  'window-display',
  'rating-pad',
] as const satisfies readonly DeviceKind[];
export const RESOLUTIONS = ['1920x1080', '3840x2160', '1080x1920'] as const;

export const hallLayoutSchema = z
  .strictObject({
    /** The hall's name, as in queue-server's `settings.hallName`. */
    hall: text(100),
    note,
    windows: z
      .array(
        z.strictObject({
          id: hallId,
          number: z.int().min(1).max(999),
          terminal: profileId,
        }),
      )
      .min(1, 'a hall has at least one window'),
    kiosks: z.array(z.strictObject({ id: hallId, name: text(100), terminal: profileId })),
    screens: z.array(
      z.strictObject({
        id: hallId,
        kind: z.enum(SCREEN_KINDS),
        windowId: hallId.optional(),
        resolution: z.enum(RESOLUTIONS),
      }),
    ),
  })
  .superRefine(
    (hall, ctx) => {
      for (const issue of hallLayoutIssues(hall)) ctx.addIssue({ code: 'custom', ...issue });
    },
    // Runs on whatever parsed: entries with broken fields are skipped, not the whole rule.
    { when: (payload) => isRecord(payload.value) },
  );

/**
 * Ids unique across the hall (windows, kiosks and screens are all addressed by id), window
 * numbers unique, screens tied to existing windows. Reads the raw value defensively so that it
 * reports alongside schema errors elsewhere in the file.
 */
function hallLayoutIssues(hall: unknown): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const list = (key: string) => {
    const value = field(hall, key);
    return Array.isArray(value) ? value.map((entry) => (isRecord(entry) ? entry : {})) : [];
  };
  const windows = list('windows');
  const seen = new Map<string, string>();
  const claim = (id: unknown, where: (string | number)[]) => {
    if (typeof id !== 'string') return;
    const other = seen.get(id);
    if (other !== undefined)
      issues.push({ path: [...where, 'id'], message: `id "${id}" is already used by ${other}` });
    else seen.set(id, where.join('.'));
  };
  const numbers = new Map<unknown, number>();
  for (const [i, w] of windows.entries()) {
    claim(w.id, ['windows', i]);
    if (typeof w.number !== 'number') continue;
    const other = numbers.get(w.number);
    if (other !== undefined) {
      issues.push({
        path: ['windows', i, 'number'],
        message: `window number ${w.number} is already used by windows.${other}`,
      });
    } else numbers.set(w.number, i);
  }
  for (const [i, k] of list('kiosks').entries()) claim(k.id, ['kiosks', i]);
  const windowIds = new Set(windows.map((w) => w.id).filter((id) => typeof id === 'string'));
  const perWindow = new Map<string, number>();
  for (const [i, s] of list('screens').entries()) {
    claim(s.id, ['screens', i]);
    const at = ['screens', i, 'windowId'];
    const { kind, windowId } = s;
    if (!(SCREEN_KINDS as readonly unknown[]).includes(kind)) continue;
    if (windowId !== undefined && typeof windowId !== 'string') continue;
    if (kind === 'board') {
      if (windowId !== undefined)
        issues.push({ path: at, message: 'a board shows the whole hall; remove windowId' });
    } else if (windowId === undefined) {
      issues.push({ path: at, message: `a ${String(kind)} screen needs the windowId it belongs to` });
    } else if (!windowIds.has(windowId)) {
      issues.push({
        path: at,
        message: `no window "${windowId}" in this hall (windows: ${[...windowIds].join(', ')})`,
      });
    } else {
      const key = `${String(kind)}@${windowId}`;
      const other = perWindow.get(key);
      if (other !== undefined) {
        issues.push({
          path: at,
          message: `window "${windowId}" already has a ${String(kind)} (screens.${other})`,
        });
      } else perWindow.set(key, i);
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Types

export type PrinterProfile = z.infer<typeof printerProfileSchema>;
export type IdCardReaderProfile = z.infer<typeof idCardReaderProfileSchema>;
export type SscReaderProfile = z.infer<typeof sscReaderProfileSchema>;
export type RatingPadProfile = z.infer<typeof ratingPadProfileSchema>;
export type ScannerProfile = z.infer<typeof scannerProfileSchema>;
export type DocumentCameraProfile = z.infer<typeof documentCameraProfileSchema>;
export type DeviceProfile = z.infer<typeof deviceProfileSchema>;
export type TerminalProfile = z.infer<typeof terminalProfileSchema>;
export type HallLayout = z.infer<typeof hallLayoutSchema>;
export type HallWindow = HallLayout['windows'][number];
export type HallKiosk = HallLayout['kiosks'][number];
export type HallScreen = HallLayout['screens'][number];
export type ScreenKind = (typeof SCREEN_KINDS)[number];

/** What a JSON file may contain (USB ids as hex strings, `port` omitted …). */
export type DeviceProfileInput = z.input<typeof deviceProfileSchema>;
export type TerminalProfileInput = z.input<typeof terminalProfileSchema>;
export type HallLayoutInput = z.input<typeof hallLayoutSchema>;

/** The device class of each profile type, for typed lookups. */
export interface DeviceProfileByClass {
  printer: PrinterProfile;
  'id-card-reader': IdCardReaderProfile;
  'ssc-reader': SscReaderProfile;
  'rating-pad': RatingPadProfile;
  scanner: ScannerProfile;
  'document-camera': DocumentCameraProfile;
}

/**
 * The wire contract between the queue server and every terminal: command payload schemas
 * (types inferred from them), the ack envelope, error codes, roles, and the Socket.IO event
 * maps. REST (`POST /api/commands/{name}`) and Socket.IO carry the same commands.
 */
import { z } from 'zod';
import { archiveTemplateIssue } from './archive.ts';
import type { CaseRecord } from './cases.ts';
import type { CounterCard } from './console.ts';
import {
  CARD_ERROR_CODES,
  type CardError,
  type CardErrorCode,
  type DeviceHealth,
  type DeviceStatus,
  type PrintJob,
  type PrintResult,
  SCAN_ERROR_CODES,
  type ScanErrorCode,
  type ScanRequest,
  type ScanResult,
} from './devices.ts';
import {
  DOMAIN_ERROR_CODES,
  FINISH_OUTCOMES,
  PRIORITY_CLASSES,
  RATING_REASONS,
  type ServiceWindow,
  type Ticket,
  WINDOW_POSTS,
} from './domain.ts';
import type { HallEvent } from './hall.ts';
import { PAUSE_REASON_CODES } from './personal-data.ts';
import { printDocumentSchema } from './print.ts';
import type { PublicFact, PublicSnapshot, StaffFact, StaffView } from './public-view.ts';
import type { RiskAlert } from './risk.ts';
import { staffText } from './staff-text.ts';

/** Bumped when a message changes shape; clients send it in the handshake. */
export const PROTOCOL_VERSION = 1;

const id = z.string().trim().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);
const idempotencyKey = z.string().min(1).max(100).optional();

const windowRef = z.strictObject({ windowId: id, idempotencyKey });
const caseRef = { caseId: id, idempotencyKey };
const note = staffText(500);
const ticketRef = { ticketId: id, idempotencyKey };

const policySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('virtual-arrival') }),
  z.strictObject({
    kind: z.literal('interleave'),
    maxPriorityInRow: z.int().min(1).max(100),
    regularWaitSeconds: z.int().min(0).max(86_400),
  }),
  z.strictObject({
    kind: z.literal('tail-guard'),
    sharePercent: z.int().min(0).max(100),
    maxBonusSeconds: z.int().min(0).max(86_400),
  }),
]);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const hallSettingsSchema = z.strictObject({
  hallName: text(60),
  utcOffsetMinutes: z.int().min(-840).max(840),
  seniorAge: z.int().min(0).max(150),
  bonusSeconds: z.strictObject({
    regular: z.literal(0),
    senior: z.int().min(0).max(86_400),
    appointment: z.int().min(0).max(86_400),
    military: z.int().min(0).max(86_400),
    disability: z.int().min(0).max(86_400),
  }),
  policy: policySchema,
  maxRecalls: z.int().min(0).max(10),
  reinstatePlaces: z.int().min(0).max(1000),
  maxReinstates: z.int().min(0).max(10),
  numberDigits: z.int().min(1).max(6),
  openingHours: z.strictObject({ open: hhmm, close: hhmm, weekdays: z.array(z.int().min(1).max(7)).max(7) }),
  dayCloseAt: hhmm,
  voiceTemplate: z
    .string()
    .trim()
    .min(4)
    .max(60)
    .refine((t) => t.includes('{号}') && t.includes('{窗口}'), 'must contain {号} and {窗口}'),
  oneTicketPerCategory: z.boolean().optional(),
  online: z
    .strictObject({
      confirmMinutes: z.int().min(5).max(480),
      aheadNotice: z.int().min(0).max(50),
      ratingDays: z.int().min(1).max(90),
    })
    .optional(),
  archive: z
    .strictObject({
      template: z
        .string()
        .trim()
        .min(8)
        .max(60)
        .superRefine((t, ctx) => {
          const why = archiveTemplateIssue(t);
          if (why !== null) ctx.addIssue({ code: 'custom', message: why });
        }),
      numberDigits: z.int().min(3).max(8),
      defaultCategory: z.string().regex(/^[A-Za-z0-9]{1,12}$/),
      categories: z.record(z.string().min(1).max(64), z.string().regex(/^[A-Za-z0-9]{1,12}$/)),
    })
    .optional(),
});

export const hallConfigSchema = z.strictObject({
  settings: hallSettingsSchema,
  categories: z
    .array(
      z.strictObject({
        id,
        prefix: z.string().regex(/^[A-Z]{0,2}$/),
        name: text(30),
        nameEn: text(60),
      }),
    )
    .min(1)
    .max(50),
  windows: z
    .array(
      z.strictObject({
        id,
        number: z.int().min(1).max(999),
        post: z.enum(WINDOW_POSTS),
        categoryIds: z.array(id).max(50),
      }),
    )
    .max(200),
});

/** Payload schema of every command, by event name. `by`/`clerkId` come from the login, never the payload. */
export const COMMAND_SCHEMAS = {
  'hall:configure': z.strictObject({ config: hallConfigSchema, idempotencyKey }),
  'ticket:issue': z.strictObject({
    categoryId: id,
    itemCode: z.string().trim().min(1).max(64).optional(),
    /** Resident ID / permit number when the citizen identified (never logged or stored in full). */
    idNumber: z.string().trim().min(1).max(32).optional(),
    /** A staff-decided class (military, disability, appointment, senior without ID) needs a reason. */
    priorityClass: z.enum(PRIORITY_CLASSES).optional(),
    reason: staffText(200).optional(),
    idempotencyKey,
  }),
  'window:open': windowRef,
  'window:close': windowRef,
  /** SEC-TXT-1: a code from PAUSE_REASONS; the boards show its label. */
  'window:pause': z.strictObject({ windowId: id, reason: z.enum(PAUSE_REASON_CODES), idempotencyKey }),
  'window:resume': windowRef,
  'ticket:call-next': windowRef,
  'ticket:recall': windowRef,
  'ticket:start': windowRef,
  'ticket:no-show': windowRef,
  'ticket:finish': z.strictObject({ windowId: id, outcome: z.enum(FINISH_OUTCOMES), idempotencyKey }),
  'ticket:park': z.strictObject({ windowId: id, note: staffText(200).optional(), idempotencyKey }),
  'ticket:resume': z.strictObject({ ...ticketRef, windowId: id }),
  'ticket:reinstate': z.strictObject({ ...ticketRef }),
  'ticket:transfer': z.strictObject({
    ...ticketRef,
    to: z.union([
      z.strictObject({ categoryId: id }),
      z.strictObject({ post: z.enum(WINDOW_POSTS) }),
      z.strictObject({ windowId: id }),
    ]),
    note: staffText(200),
  }),
  'ticket:cancel': z.strictObject({ ...ticketRef, reason: staffText(200) }),
  /** MOB-Q-2: the guide confirms an online ticket for a citizen at the desk (the kiosk does it by card or code). */
  'ticket:confirm': z.strictObject({ ...ticketRef }),
  'ticket:override': z.strictObject({
    ...ticketRef,
    action: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('front') }),
      z.strictObject({ kind: z.literal('pin'), windowId: id }),
      z.strictObject({ kind: z.literal('class'), priorityClass: z.enum(PRIORITY_CLASSES) }),
    ]),
    reason: staffText(200),
  }),
  /** A citizen's rating from the pad (or keypad) at the window that served them. */
  'ticket:rate': z.strictObject({
    ...ticketRef,
    level: z.int().min(1).max(5),
    reasons: z.array(z.enum(RATING_REASONS)).max(RATING_REASONS.length).optional(),
  }),
  'day:close': z.strictObject({
    reason: staffText(200),
    businessDay: z.iso.date().optional(),
    idempotencyKey,
  }),
  // Time-limited cases (SPEC CASE-*): the back office's steps. Who may take which step on which
  // case (审核 ≠ 受理, 复核 ≠ 审核, SOD-*) is decided by the server per case.
  'case:start-review': z.strictObject({ ...caseRef, note: note.optional() }),
  'case:approve': z.strictObject({ ...caseRef, note: note.optional() }),
  'case:recheck': z.strictObject({ ...caseRef, note: note.optional() }),
  /** Why it is returned: the applicant is told. */
  'case:return': z.strictObject({ ...caseRef, note }),
  /** 一次性告知: every missing material at once, by its name in the item's guide. */
  'case:request-supplement': z.strictObject({
    ...caseRef,
    missingMaterials: z.array(text(200)).min(1).max(50),
    note: note.optional(),
  }),
  'case:supplement': z.strictObject({ ...caseRef, note: note.optional() }),
  'case:ready': z.strictObject({ ...caseRef, note: note.optional() }),
  /** How it was handed back (本人领取, 委托代领, 邮寄送达 …). */
  'case:hand-back': z.strictObject({ ...caseRef, note }),
} as const;

export type CommandName = keyof typeof COMMAND_SCHEMAS;
export const COMMAND_NAMES = Object.keys(COMMAND_SCHEMAS) as CommandName[];
export type CommandPayload<N extends CommandName> = z.infer<(typeof COMMAND_SCHEMAS)[N]>;

/** Errors that happen before or around the domain. */
export const TRANSPORT_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'DUTY_CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
  /** An appointment check-in before its window opens (SPEC APT-4); the answer says when. */
  'APPOINTMENT_TOO_EARLY',
  /** A ticket outside the hall's opening hours (kiosk); the Chinese message says when it opens. */
  'HALL_CLOSED',
  /** The item needs the citizen to identify (card or ID number) first. */
  'IDENTITY_REQUIRED',
  /** A staff login after an admin's password reset: nothing but `POST /api/auth/password` until changed. */
  'PASSWORD_CHANGE_REQUIRED',
  /** An admin or manager without the TOTP second factor: nothing but its enrolment until enrolled. */
  'TOTP_ENROLMENT_REQUIRED',
  /** The login's password was right; the account needs its TOTP code too. */
  'TOTP_REQUIRED',
  /** A new password the policy refuses (length, a common password, the username in it). */
  'WEAK_PASSWORD',
  /** A case that would leave 受理 while a required material is neither captured nor waived (MAT-FILE-2). */
  'MATERIALS_MISSING',
  /** An uploaded page over the size or page limit (MAT-CAP-2). */
  'PAYLOAD_TOO_LARGE',
  /** An upload whose bytes are not a JPEG, PNG or PDF, or are not a readable one (MAT-CAP-2). */
  'UNSUPPORTED_MEDIA',
  /** A blocking risk rule refused the command (SPEC RISK-INT-1); `messageZh` names the rule and the way on. */
  'RISK_BLOCKED',
] as const;

export const ERROR_CODES = [...DOMAIN_ERROR_CODES, ...TRANSPORT_ERROR_CODES] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  /** Precise English for integrators; UIs show `errorMessageZh(code)`. */
  message: string;
  /** Field paths that failed validation, when code is BAD_REQUEST (with Chinese for a citizen's form). */
  issues?: { path: string; message: string; messageZh?: string }[];
  /** A sentence for the citizen more specific than `errorMessageZh(code)` (when it opens, which field). */
  messageZh?: string;
}

/** Every ack and every REST body: `{ok: true, data}` or `{ok: false, error}`. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** What a command returns: the facts it committed (staff view) and whether it was a replay. */
export interface CommandResult {
  seq: number;
  replayed: boolean;
  facts: HallEvent[];
  /** A case step's case as it stands after the step (with the staff names). */
  case?: CaseRecord;
}

/** Posts of LD/T 02 §7 plus management roles. */
export const STAFF_ROLES = [
  'guide',
  'clerk',
  'rights-clerk',
  'reviewer',
  'review-supervisor',
  'accountant',
  'manager',
  'admin',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Kinds of paired device. */
export const DEVICE_KINDS = ['kiosk', 'board', 'window-display', 'rating-pad', 'agent'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A staff member as the API shows them (no password material). */
export interface StaffAccount {
  id: string;
  username: string;
  name: string;
  staffNumber: string;
  roles: StaffRole[];
}

/** Estimated wait for a category (method in docs/ARCHITECTURE.md). */
export interface CategoryEstimate {
  categoryId: string;
  waiting: number;
  /** Minutes for a ticket taken now; null when no window serves the category (open or paused). */
  minutes: number | null;
  /**
   * The range every surface shows ("约 15–25 分钟", SPEC EST-1), from the same server-side
   * estimate; null with `minutes`.
   */
  low: number | null;
  high: number | null;
}

/** Socket.IO: what the server sends. Facts carry the hall seq; a gap means "ask for a snapshot". */
export interface ServerToClientEvents {
  'hall:snapshot': (s: PublicSnapshot) => void;
  'hall:fact': (f: PublicFact) => void;
  /** The manager changed the notice marquee (not a queue fact: it has no seq). */
  'hall:notice': (n: { text: string }) => void;
  /** To a terminal agent: print this (at most once per jobId). */
  'device:print': (job: PrintJob) => void;
  /** Within one terminal: a card was read by its agent (personal data: never logged, never broadcast). */
  'device:card': (card: CardRead) => void;
  /** Within one terminal: a card on its reader gave nothing (a code only; SPEC DEV-6). */
  'device:card-error': (e: CardError) => void;
  /** To a window's terminal agent: scan onto this case's material and answer `device:scan-result` (MAT-DEV-2). */
  'device:scan': (r: ScanRequest) => void;
  /** Within one terminal: another socket of this device connected (a screen after its agent; DEV-7). */
  'device:peer-joined': () => void;
  /** To staff: a device's health or connection changed (guide alerts). */
  'device:status': (s: DeviceStatus) => void;
  /** To staff: a print job ended. */
  'print:result': (r: PrintResult & { deviceId: string }) => void;
  /** To the clerk signed on at a window: its counter reader read a card (masked; SPEC CTR-1). */
  'counter:card': (c: CounterCard) => void;
  'staff:snapshot': (s: StaffView) => void;
  'staff:fact': (f: StaffFact) => void;
  /**
   * To managers: risk alerts raised or changed by a commit, as they stand (RISK-HND-5); to
   * guides: the long-wait ones only, without notes.
   */
  'risk:alerts': (alerts: RiskAlert[]) => void;
}

type CommandHandlers = {
  [N in CommandName]: (payload: CommandPayload<N>, ack: (a: Ack<CommandResult>) => void) => void;
};

/** Socket.IO: what clients send. Every command acks; `hall:resync` asks for a snapshot again. */
export interface ClientToServerEvents extends CommandHandlers {
  'hall:resync': (ack: (a: Ack<{ seq: number }>) => void) => void;
  'device:health': (h: DeviceHealth, ack: (a: Ack<{ alerts: string[] }>) => void) => void;
  'device:print-result': (r: PrintResult, ack: (a: Ack<{ status: string }>) => void) => void;
  'device:card': (c: CardRead, ack: (a: Ack<{ relayed: number }>) => void) => void;
  'device:card-error': (e: CardError, ack: (a: Ack<{ relayed: number }>) => void) => void;
  /** The agent's answer to `device:scan` (MAT-DEV-2). */
  'device:scan-result': (r: ScanResult, ack: (a: Ack<{ accepted: boolean }>) => void) => void;
}

/** A card read at a terminal, relayed to that terminal's own screen only. */
export interface CardRead {
  source: 'resident-id' | 'ssc';
  idNumber: string;
  name: string;
  sex: string | null;
  birthDate: string | null;
  /** The address printed on a resident ID card (prefills forms). */
  address: string | null;
}

const healthValue = z.enum(['connected', 'disconnected', 'service-not-running', 'driver-missing']);
export const deviceHealthSchema = z.strictObject({
  printer: z.enum(['ok', 'near-end', 'out', 'offline']).optional(),
  idCardReader: healthValue.optional(),
  sscReader: healthValue.optional(),
  ratingPad: healthValue.optional(),
  voice: z.enum(['ok', 'no-mandarin-voice']).optional(),
  documentScanner: z.enum(['ready', 'scanning', 'failed']).optional(),
  documentCamera: z
    .strictObject({
      labelMatch: z.string().min(1).max(200),
      width: z.int().min(320).max(7680),
      height: z.int().min(240).max(4320),
      rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
    })
    .optional(),
});
/** An agent's answer to `device:scan` (SPEC MAT-DEV-2). */
export const scanResultSchema = z.discriminatedUnion('status', [
  z.strictObject({
    requestId: z.string().min(1).max(64),
    status: z.literal('scanned'),
    pages: z.int().min(1).max(50),
  }),
  z.strictObject({
    requestId: z.string().min(1).max(64),
    status: z.literal('failed'),
    code: z.enum(SCAN_ERROR_CODES as [ScanErrorCode, ...ScanErrorCode[]]),
    pages: z.int().min(0).max(50),
    detail: z.string().max(300),
    messageZh: z.string().max(200).optional(),
  }),
]);
export const printResultSchema = z.discriminatedUnion('status', [
  z.strictObject({ jobId: z.string().min(1).max(64), status: z.literal('printed') }),
  z.strictObject({
    jobId: z.string().min(1).max(64),
    status: z.literal('failed'),
    reason: z.string().min(1).max(200),
  }),
]);
export const cardReadSchema = z.strictObject({
  source: z.enum(['resident-id', 'ssc']),
  idNumber: z.string().min(1).max(32),
  name: z.string().min(1).max(60),
  sex: z.string().max(4).nullable(),
  birthDate: z.string().max(10).nullable(),
  address: z.string().max(140).nullable(),
});
export const cardErrorSchema = z.strictObject({
  source: z.enum(['resident-id', 'ssc']),
  code: z.enum(CARD_ERROR_CODES as [CardErrorCode, ...CardErrorCode[]]),
});
export const printJobRequestSchema = z.strictObject({
  /** The terminal to print on; a kiosk may omit it (itself), a clerk may name their window instead. */
  deviceId: z.string().min(1).max(64).optional(),
  windowId: z.string().min(1).max(64).optional(),
  /** Refused with the field paths (`document.data.deadline.date`) when it would not print. */
  document: printDocumentSchema,
});

/** Handshake `auth` payload: a staff login token, a device token, or nothing (public board). */
export interface HandshakeAuth {
  token?: string;
  deviceToken?: string;
  protocol?: number;
}

export type { ServiceWindow, Ticket };

import type { CaseCommandName } from '@onewindow/shared';
import { idBornOn, T0, WINDOWS } from '../../queue-server/src/domain/test-factory.ts';
import type { Command } from '../../queue-server/src/domain/types.ts';

/**
 * The command stream the crash worker applies, shared by the worker and the test that checks
 * it. Step i is a pure function of i, so a restarted worker re-sends exactly the step it had in
 * flight, under the same idempotency key. A block of ten: kiosk tickets with and without the
 * item's form (ticket + form + print job in one unit), plain issues in B and C, call / start at
 * one window, the slip that finishes the ticket there (finish + slip + case + print job), and two
 * steps of the back office on the oldest open case.
 */

/** 社会保障卡申领: category A, a kiosk form. */
export const CARD_ITEM = '512B0070200003';
/** 企业职工参保登记: category A, instant, no form. */
export const ENROL_ITEM = '512B0067900008';
/** 企业职工基本养老保险关系转移接续申请: time-limited, 审核 + 复核 in the demo catalog. */
export const TRANSFER_ITEM = '512B0068100002';

export type Step =
  | { kind: 'queue'; cmd: Command }
  | {
      kind: 'kiosk';
      itemCode: string;
      idNumber: string;
      form?: Record<string, string>;
    }
  | { kind: 'slip'; windowId: string; acceptance: boolean }
  /** Takes this step on the oldest case in the status it applies to. */
  | { kind: 'case'; name: CaseCommandName };

/** A different person per kiosk ticket (one live ticket per person and category, KSK-4). */
const personOf = (i: number): string =>
  idBornOn(`19${String(50 + (i % 40)).padStart(2, '0')}0${1 + (i % 9)}1${i % 10}`, String(100 + (i % 899)));

export function stepFor(i: number): Step {
  const phase = i % 10;
  const block = Math.floor(i / 10);
  const windowId = WINDOWS[block % WINDOWS.length]!.id;
  const nextWindowId = WINDOWS[(block + 1) % WINDOWS.length]!.id;
  switch (phase) {
    case 0:
    case 4: {
      const idNumber = personOf(i);
      return {
        kind: 'kiosk',
        itemCode: CARD_ITEM,
        idNumber,
        form: {
          name: '张三丰',
          idNumber,
          sex: '男',
          phone: '13812345678',
          bank: 'ICBC',
          delivery: 'window',
        },
      };
    }
    case 1:
      return { kind: 'kiosk', itemCode: ENROL_ITEM, idNumber: personOf(i) };
    case 2:
      return { kind: 'queue', cmd: { type: 'ticket:issue', categoryId: 'B', source: 'kiosk' } };
    case 3:
      return { kind: 'queue', cmd: { type: 'ticket:issue', categoryId: 'C', source: 'kiosk' } };
    case 5:
      return caseStepOf(2 * block);
    case 6:
      return { kind: 'queue', cmd: { type: 'ticket:call-next', windowId } };
    case 7:
      return { kind: 'queue', cmd: { type: 'ticket:start', windowId } };
    case 8:
      return { kind: 'slip', windowId, acceptance: block % 2 === 0 };
    default:
      // A second back-office step, then a call-next that leaves a called ticket behind, so the
      // next block's call-next there is refused (WINDOW_BUSY) now and then.
      return block % 3 === 2
        ? { kind: 'queue', cmd: { type: 'ticket:call-next', windowId: nextWindowId } }
        : caseStepOf(2 * block + 1);
  }
}

/** The back office's steps in turn; a retried step re-sends the same command (the case may differ). */
const CASE_CYCLE: readonly CaseCommandName[] = [
  'case:start-review',
  'case:approve',
  'case:recheck',
  'case:ready',
  'case:hand-back',
];
const caseStepOf = (k: number): Step => ({ kind: 'case', name: CASE_CYCLE[k % CASE_CYCLE.length]! });

/** Who takes each step, on a case in which status, with which note. */
export const CASE_STEP_OF: Record<
  string,
  { from: string; actor: 'reviewer' | 'supervisor' | 'rights'; note?: string; fact: string }
> = {
  'case:start-review': { from: 'accepted', actor: 'reviewer', fact: 'case:review-started' },
  'case:approve': { from: 'in-review', actor: 'reviewer', fact: 'case:reviewed' },
  'case:recheck': { from: 'reviewed', actor: 'supervisor', fact: 'case:rechecked' },
  'case:ready': { from: 'approved', actor: 'rights', fact: 'case:ready' },
  'case:hand-back': { from: 'ready', actor: 'rights', note: '本人领取', fact: 'case:handed-back' },
};

export const keyOf = (i: number): string => `cmd-${i}`;

/** The clock of command i: one second per command from T0, so the whole run is one business day. */
export const timeOf = (i: number): number => T0 + i * 1000;

/** What the worker reports once a step's unit of work has returned. */
export interface Ack {
  index: number;
  ok: boolean;
  /** For an accepted step, the seq of its last fact; for a refused one, the hall's last seq. */
  lastSeq: number;
  /** The ticket an accepted issue produced (or the slip finished), else null. */
  ticketId: string | null;
  /** `fresh` or `replay` for an accepted step, the refusal code for a refused one. */
  detail: string;
  /** What else the unit answered: `app=<code>`, `job=<print job>`, `slip=<number>`, `case=<id>`, `to=<status>`. */
  extra: Record<string, string>;
}

const enc = (extra: Record<string, string>): string =>
  Object.keys(extra).length === 0
    ? '-'
    : Object.entries(extra)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');

/** `ack <i> <ok|refused> <lastSeq> <ticketId|-> <fresh|replay|CODE> <k=v,…|->` */
export function formatAck(a: Ack): string {
  return `ack ${a.index} ${a.ok ? 'ok' : 'refused'} ${a.lastSeq} ${a.ticketId ?? '-'} ${a.detail} ${enc(a.extra)}\n`;
}

export function parseAck(line: string): Ack | null {
  const m = /^ack (\d+) (ok|refused) (\d+) (\S+) (\S+) (\S+)$/.exec(line);
  if (m === null) return null;
  const extra: Record<string, string> = {};
  if (m[6] !== '-')
    for (const kv of m[6]!.split(',')) {
      const at = kv.indexOf('=');
      extra[kv.slice(0, at)] = kv.slice(at + 1);
    }
  return {
    index: Number(m[1]),
    ok: m[2] === 'ok',
    lastSeq: Number(m[3]),
    ticketId: m[4] === '-' ? null : m[4]!,
    detail: m[5]!,
    extra,
  };
}

import { T0, WINDOWS } from '../../queue-server/src/domain/test-factory.ts';
import type { Command } from '../../queue-server/src/domain/types.ts';

/**
 * The command stream the crash worker applies, shared by the worker and the test that checks
 * it. Command i is a pure function of i, so a restarted worker re-sends exactly the command it
 * had in flight, under the same idempotency key.
 */

const CATEGORIES = ['A', 'B', 'C'] as const;

/** Command i: six issues, then call-next / start / finish at one window and a call-next at the next. */
export function commandFor(i: number): Command {
  const phase = i % 10;
  const windowId = WINDOWS[Math.floor(i / 10) % WINDOWS.length]!.id;
  const nextWindowId = WINDOWS[(Math.floor(i / 10) + 1) % WINDOWS.length]!.id;
  switch (phase) {
    case 6:
      return { type: 'ticket:call-next', windowId };
    case 7:
      return { type: 'ticket:start', windowId };
    case 8:
      return { type: 'ticket:finish', windowId, outcome: 'completed' };
    case 9:
      // Leaves a called ticket behind, so the next block's call-next there is refused (WINDOW_BUSY).
      return { type: 'ticket:call-next', windowId: nextWindowId };
    default:
      return { type: 'ticket:issue', categoryId: CATEGORIES[i % CATEGORIES.length]!, source: 'kiosk' };
  }
}

export const keyOf = (i: number): string => `cmd-${i}`;

/** The clock of command i: one second per command from T0, so the whole run is one business day. */
export const timeOf = (i: number): number => T0 + i * 1000;

/** What the worker reports once a command's execute() has returned. */
export interface Ack {
  index: number;
  ok: boolean;
  /** For an accepted command, the seq of its last fact; for a refused one, the hall's last seq. */
  lastSeq: number;
  /** The id of the ticket an accepted issue produced, else null. */
  ticketId: string | null;
  /** `fresh` or `replay` for an accepted command, the refusal code for a refused one. */
  detail: string;
}

/** `ack <i> <ok|refused> <lastSeq> <ticketId|-> <fresh|replay|CODE>` */
export function formatAck(a: Ack): string {
  return `ack ${a.index} ${a.ok ? 'ok' : 'refused'} ${a.lastSeq} ${a.ticketId ?? '-'} ${a.detail}\n`;
}

export function parseAck(line: string): Ack | null {
  const m = /^ack (\d+) (ok|refused) (\d+) (\S+) (\S+)$/.exec(line);
  if (m === null) return null;
  return {
    index: Number(m[1]),
    ok: m[2] === 'ok',
    lastSeq: Number(m[3]),
    ticketId: m[4] === '-' ? null : m[4]!,
    detail: m[5]!,
  };
}

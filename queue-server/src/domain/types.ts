import type {
  EventBody,
  FinishOutcome,
  HallConfig,
  OverrideAction,
  PriorityClass,
  RatingChannel,
  TicketHolder,
  TicketSource,
  TransferTarget,
} from '@onewindow/shared';

export type {
  EngineSnapshot,
  EventBody,
  EventType,
  HallConfig,
  HallEvent,
  HallSettings,
  OverrideAction,
  QueuePolicy,
  TransferTarget,
} from '@onewindow/shared';

/** Everything that can change the hall's queue. Validated at the edge, decided here. */
export type Command =
  | { type: 'hall:configure'; config: HallConfig; by: string }
  | {
      type: 'ticket:issue';
      categoryId: string;
      itemCode?: string | null;
      /** Resident ID or permit number, if the citizen identified; never stored in full. */
      idNumber?: string | null;
      holderRef?: string | null;
      /**
       * A holder the hall already knows (a booking checked in by its code): used when no ID
       * number is given, with whether they are a senior on the booked day.
       */
      holder?: TicketHolder;
      /** A class other than regular/senior needs `by` and `reason` (a guide's decision). */
      priorityClass?: PriorityClass;
      source: TicketSource;
      by?: string;
      reason?: string;
    }
  | { type: 'window:open'; windowId: string; clerkId: string }
  | { type: 'window:close'; windowId: string }
  | { type: 'window:pause'; windowId: string; reason: string }
  | { type: 'window:resume'; windowId: string }
  | { type: 'ticket:call-next'; windowId: string }
  | { type: 'ticket:recall'; windowId: string }
  | { type: 'ticket:start'; windowId: string }
  | { type: 'ticket:no-show'; windowId: string }
  | { type: 'ticket:finish'; windowId: string; outcome: FinishOutcome }
  | { type: 'ticket:park'; windowId: string; note?: string }
  | { type: 'ticket:resume'; ticketId: string; windowId: string }
  | { type: 'ticket:reinstate'; ticketId: string; by: string }
  | { type: 'ticket:transfer'; ticketId: string; to: TransferTarget; by: string; note: string }
  | { type: 'ticket:cancel'; ticketId: string; by: string; reason: string }
  /** MOB-Q-2: an online ticket confirmed at the hall (kiosk or guide). */
  | { type: 'ticket:confirm'; ticketId: string; by: string }
  /** MOB-Q-3: an online ticket not confirmed by its deadline lapses (the server's timer). */
  | { type: 'ticket:lapse'; ticketId: string }
  | {
      type: 'ticket:rate';
      ticketId: string;
      level: number;
      reasons: string[];
      channel: RatingChannel;
      /** The citizen's words from the rating page (MOB-RATE-4), screened at the edge. */
      comment?: string;
    }
  | { type: 'ticket:override'; ticketId: string; action: OverrideAction; by: string; reason: string }
  | {
      type: 'day:close';
      by: string;
      reason: string;
      /** A past day left open (server off overnight); default: today. */
      businessDay?: string;
    };

export type CommandType = Command['type'];

import type { DomainErrorCode } from '@onewindow/shared';

export { DOMAIN_ERROR_CODES, type DomainErrorCode } from '@onewindow/shared';

export interface DomainError {
  code: DomainErrorCode;
  /** Precise, English, for logs and integrators; UIs translate the code. */
  message: string;
}

export type Decision = { ok: true; events: EventBody[] } | { ok: false; error: DomainError };

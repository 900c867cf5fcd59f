import {
  type Ack,
  type ApiError,
  COMMAND_SCHEMAS,
  type CommandName,
  type CommandPayload,
  type CommandResult,
  type ErrorCode,
} from '@onewindow/shared';
import { CASE_COMMAND_NAMES, type CaseCommandName } from '@onewindow/shared/cases.ts';
import type { z } from 'zod';
import { authorize, type Principal } from '../auth/permissions.ts';
import type { Command } from '../domain/types.ts';
import type { CaseService } from '../service/case.service.ts';
import type { HallService } from '../service/hall.service.ts';

export type Channel = 'socket' | 'rest';

/** HTTP status for each error code (REST answers; sockets get the code in the ack). */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
      return 400;
    case 'UNAUTHENTICATED':
    case 'TOTP_REQUIRED':
      return 401;
    case 'FORBIDDEN':
    case 'PASSWORD_CHANGE_REQUIRED':
    case 'TOTP_ENROLMENT_REQUIRED':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_CATEGORY':
    case 'UNKNOWN_WINDOW':
    case 'UNKNOWN_TICKET':
      return 404;
    case 'INVALID_ID_NUMBER':
    case 'REASON_REQUIRED':
    case 'INVALID_CONFIG':
    case 'IDENTITY_REQUIRED':
    case 'WEAK_PASSWORD':
      return 422;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA':
      return 415;
    case 'MATERIALS_MISSING':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL':
      return 500;
    case 'UNAVAILABLE':
    case 'NOT_CONFIGURED':
      return 503;
    default:
      return 409;
  }
}

/** Turns zod issues into paths an integrator can act on. */
export function badRequest(error: z.ZodError, what: string): ApiError {
  const issues = error.issues
    .slice(0, 20)
    .map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  return {
    code: 'BAD_REQUEST',
    message: `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  };
}

/**
 * The one door for commands, shared by Socket.IO and REST so a call made through the API
 * reaches every board exactly like one from the console: parse → authorize (the one permission
 * table) → the use case (queue commands: HallService; case steps: CaseService) → result. Never
 * throws on a client's payload.
 */
export class CommandGateway {
  constructor(
    private readonly deps: {
      hall: HallService;
      cases: CaseService;
      holderRef: (idNumber: string) => string;
      onInternalError: (err: unknown, name: string) => void;
    },
  ) {}

  isCommand(name: unknown): name is CommandName {
    return typeof name === 'string' && Object.hasOwn(COMMAND_SCHEMAS, name);
  }

  dispatch(principal: Principal, name: CommandName, raw: unknown, channel: Channel): Ack<CommandResult> {
    const parsed = COMMAND_SCHEMAS[name].safeParse(raw ?? {});
    if (!parsed.success) return { ok: false, error: badRequest(parsed.error, `${name} payload`) };
    const payload = parsed.data as CommandPayload<typeof name>;
    const denied = authorize(principal, name, payload, this.deps.hall.queue);
    if (denied !== null) return { ok: false, error: denied };
    const key = (payload as { idempotencyKey?: string }).idempotencyKey;
    // Keys are scoped to their sender, so two kiosks can never collide on "1".
    const scoped = key === undefined ? undefined : `${principalKey(principal)}:${key}`;
    try {
      if (isCaseCommand(name)) return this.caseStep(principal, name, payload, scoped);
      const cmd = this.toCommand(principal, name, payload, channel);
      const r = this.deps.hall.execute(cmd, scoped === undefined ? {} : { idempotencyKey: scoped });
      if (!r.ok) return { ok: false, error: r.error };
      return { ok: true, data: { seq: r.events.at(-1)?.seq ?? 0, replayed: r.replayed, facts: r.events } };
    } catch (e) {
      this.deps.onInternalError(e, name);
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error; nothing was written' } };
    }
  }

  private caseStep(
    p: Principal,
    name: CaseCommandName,
    payload: unknown,
    key: string | undefined,
  ): Ack<CommandResult> {
    // authorize() let only staff of the step's posts through; the case decides the rest.
    if (p.kind !== 'staff')
      return { ok: false, error: { code: 'FORBIDDEN', message: 'case steps are taken by staff' } };
    const b = payload as { caseId: string; note?: string; missingMaterials?: string[] };
    const r = this.deps.cases.step(
      { id: p.id, roles: p.roles },
      {
        type: name,
        caseId: b.caseId,
        note: b.note ?? null,
        ...(b.missingMaterials !== undefined ? { missingMaterials: b.missingMaterials } : {}),
      },
      key,
    );
    if (!r.ok) return { ok: false, error: r.error };
    return {
      ok: true,
      data: { seq: r.events.at(-1)?.seq ?? 0, replayed: r.replayed, facts: r.events, case: r.case },
    };
  }

  private toCommand<N extends CommandName>(
    p: Principal,
    name: N,
    payload: CommandPayload<N>,
    channel: Channel,
  ): Command {
    const by = principalKey(p);
    // Strip the transport-only field; everything else maps one to one.
    const { idempotencyKey: _k, ...body } = payload as unknown as Record<string, unknown>;
    switch (name) {
      case 'hall:configure':
        return { type: name, config: (body as unknown as CommandPayload<'hall:configure'>).config, by };
      case 'ticket:issue': {
        const b = body as unknown as CommandPayload<'ticket:issue'>;
        const source =
          p.kind === 'device'
            ? 'kiosk'
            : p.kind === 'system'
              ? 'appointment'
              : channel === 'rest'
                ? 'api'
                : 'guide';
        return {
          type: name,
          categoryId: b.categoryId,
          itemCode: b.itemCode ?? null,
          idNumber: b.idNumber ?? null,
          holderRef: b.idNumber ? this.deps.holderRef(b.idNumber) : null,
          ...(b.priorityClass ? { priorityClass: b.priorityClass } : {}),
          source,
          by,
          ...(b.reason ? { reason: b.reason } : {}),
        };
      }
      case 'window:open':
        return {
          type: name,
          windowId: (body as unknown as CommandPayload<'window:open'>).windowId,
          clerkId: by,
        };
      case 'ticket:rate': {
        const b = body as unknown as CommandPayload<'ticket:rate'>;
        const channel = p.kind === 'device' && p.deviceKind === 'agent' ? 'keypad' : 'pad';
        return { type: name, ticketId: b.ticketId, level: b.level, reasons: b.reasons ?? [], channel };
      }
      case 'ticket:reinstate':
        return { type: name, ticketId: (body as unknown as CommandPayload<'ticket:reinstate'>).ticketId, by };
      case 'ticket:confirm':
        return { type: name, ticketId: (body as unknown as CommandPayload<'ticket:confirm'>).ticketId, by };
      case 'ticket:transfer':
      case 'ticket:cancel':
      case 'ticket:override':
      case 'day:close':
        return { type: name, ...body, by } as unknown as Command;
      default:
        return { type: name, ...body } as unknown as Command;
    }
  }
}

function isCaseCommand(name: CommandName): name is CaseCommandName {
  return (CASE_COMMAND_NAMES as readonly string[]).includes(name);
}

/** How a principal is named in facts and idempotency scopes. */
export function principalKey(p: Principal): string {
  switch (p.kind) {
    case 'staff':
      return p.id;
    case 'device':
      return `device:${p.id}`;
    case 'citizen':
      return `citizen:${p.sessionId}`;
    case 'system':
      return 'system';
    case 'anonymous':
      return 'anonymous';
  }
}

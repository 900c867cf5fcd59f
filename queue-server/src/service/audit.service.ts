/**
 * The audit (SPEC ADM-AUD-1, ADM-5, CASE-7): one search over the admin audit trail and the
 * hall's facts that override the normal flow or move a case, and the mirror of every hall
 * configuration into the admin audit (a subscriber the composition root registers once).
 */
import type { AuditEntry, AuditSearchQuery, HallEvent } from '@onewindow/shared';
import { isCaseFact } from '@onewindow/shared';
import type { AuditRow, AuthStore } from '../store/auth.store.ts';
import { AUDITED_FACT_TYPES, type AuditedFacts } from '../store/case.store.ts';

/** Admin audit action of a mirrored hall:configured fact (the search shows the fact instead). */
export const CONFIGURE_ACTION = 'hall:configure';

export class AuditService {
  constructor(
    private readonly deps: {
      auth: AuthStore;
      facts: AuditedFacts;
      utcOffsetMinutes: () => number;
    },
  ) {}

  /** ADM-5: every configuration of the hall is in the admin audit, by who sent it. */
  onFacts(events: readonly HallEvent[]): void {
    for (const ev of events)
      if (ev.type === 'hall:configured')
        this.deps.auth.audit({
          at: ev.at,
          actor: ev.by,
          action: CONFIGURE_ACTION,
          target: null,
          detail: { seq: ev.seq, categories: ev.config.categories.length, windows: ev.config.windows.length },
        });
  }

  /** Records an administrative change (who, what, on what, the detail). */
  record(actor: string, action: string, target: string | null, detail: unknown, at: number): void {
    this.deps.auth.audit({ at, actor, action, target, detail });
  }

  /** The admin trail after an id (GET /api/audit). */
  trail(afterId: number): AuditRow[] {
    return this.deps.auth.auditLog(afterId);
  }

  /**
   * ADM-AUD-1: admin changes and hall facts, newest first; `q` matches name, actor, action,
   * target, reason or detail; `from`/`to` are hall-local days, inclusive.
   */
  search(qy: AuditSearchQuery): { ok: true; data: AuditEntry[] } | { ok: false; message: string } {
    const offset = this.deps.utcOffsetMinutes() * 60_000;
    const from = qy.from === undefined ? 0 : Date.parse(`${qy.from}T00:00:00Z`) - offset;
    const to =
      qy.to === undefined ? Number.MAX_SAFE_INTEGER : Date.parse(`${qy.to}T00:00:00Z`) + 86_400_000 - offset;
    if (from >= to) return { ok: false, message: `from ${qy.from} is after to ${qy.to}` };
    // CON-AUD-1: people and terminals by name (a device acts when it pairs), never a bare id.
    const names = new Map<string, string>([
      ...this.deps.auth.allStaff().map((s) => [s.id, s.name] as const),
      ...this.deps.auth.allDevices().map((d) => [d.id, `${d.name}（设备）`] as const),
    ]);
    const nameOf = (id: string) => (id === 'system' ? '系统' : (names.get(id) ?? id));
    const named = (e: AuditEntry): AuditEntry => {
      const n = e.target === null ? undefined : names.get(e.target);
      return { ...e, targetName: n ?? null };
    };
    const q = qy.q?.toLowerCase() ?? '';
    const keep = (e: AuditEntry) =>
      (qy.kind === undefined || qy.kind === e.source || qy.kind === e.action) &&
      (q === '' ||
        [e.actorName, e.actor, e.action, e.target, e.targetName, e.reason, e.detail].some((x) =>
          x?.toLowerCase().includes(q),
        ));
    const audited = AUDITED_FACT_TYPES as readonly string[];
    const out: AuditEntry[] = [];
    if (qy.kind === undefined || qy.kind === 'hall' || audited.includes(qy.kind))
      for (const ev of this.deps.facts.between(from, to)) {
        const e = factEntry(ev, nameOf);
        if (e !== null && keep(named(e))) out.push(named(e));
      }
    if (qy.kind === undefined || !audited.includes(qy.kind))
      for (const row of this.allAudit()) {
        if (row.at < from || row.at >= to || row.action === CONFIGURE_ACTION) continue;
        const e = named(adminEntry(row, nameOf));
        if (keep(e)) out.push(e);
      }
    out.sort((a, b) => b.at - a.at || b.id.localeCompare(a.id, 'en', { numeric: true }));
    return { ok: true, data: out.slice(0, qy.limit) };
  }

  private *allAudit(): Generator<AuditRow> {
    let after = 0;
    for (;;) {
      const page = this.deps.auth.auditLog(after, 500);
      if (page.length === 0) return;
      yield* page;
      after = page.at(-1)!.id;
    }
  }
}

function adminEntry(row: AuditRow, nameOf: (id: string) => string): AuditEntry {
  const d = row.detail as Record<string, unknown> | null;
  const reason = d !== null && typeof d === 'object' && typeof d.reason === 'string' ? d.reason : null;
  const json =
    d === null || (typeof d === 'object' && Object.keys(d).length === 0) ? null : JSON.stringify(d);
  return {
    id: `admin:${row.id}`,
    source: 'admin',
    at: row.at,
    actor: row.actor,
    actorName: nameOf(row.actor),
    action: row.action,
    target: row.target,
    reason,
    detail: json === null ? null : json.length > 300 ? `${json.slice(0, 299)}…` : json,
  };
}

function factEntry(ev: HallEvent, nameOf: (id: string) => string): AuditEntry | null {
  const base = (
    actor: string,
    target: string | null,
    reason: string | null,
    detail: string | null,
  ): AuditEntry => ({
    id: `hall:${ev.seq}`,
    source: 'hall',
    at: ev.at,
    actor,
    actorName: nameOf(actor),
    action: ev.type,
    target,
    reason,
    detail,
  });
  if (isCaseFact(ev)) {
    if (ev.type === 'case:material-captured')
      return base(ev.by, ev.caseId, null, `${ev.material}: ${ev.pages.length} page(s) from ${ev.source}`);
    if (ev.type === 'case:material-waived') return base(ev.by, ev.caseId, ev.reason, `${ev.material} waived`);
    if (ev.type === 'case:material-removed')
      return base(ev.by, ev.caseId, ev.reason, `${ev.material}: page ${ev.sha256.slice(0, 12)} removed`);
    const detail =
      ev.type === 'case:accepted'
        ? `ticket ${ev.ticketNumber}, item ${ev.itemCode}, ${ev.reviewLevels} review level(s), due ${ev.deadline}`
        : ev.type === 'case:supplement-requested'
          ? `missing: ${ev.missing.join('、')}`
          : `to ${ev.to}`;
    return base(ev.by, ev.caseId, ev.note, detail);
  }
  switch (ev.type) {
    case 'risk:intercepted':
      return base(
        ev.actorId,
        `${ev.subject.kind}:${ev.subject.id}`,
        null,
        `${ev.ruleId} (${ev.riskCode}) blocked ${ev.command}`,
      );
    case 'risk:override-granted':
      return base(
        ev.supervisorId,
        ev.actorId,
        ev.reason,
        `${ev.ruleId} (${ev.riskCode}) may be overridden once until ${new Date(ev.expiresAt).toISOString()}`,
      );
    case 'risk:overridden':
      return base(
        ev.supervisorId,
        ev.actorId,
        ev.reason,
        `${ev.ruleId} (${ev.riskCode}) overridden for ${ev.command}`,
      );
    case 'risk:list-published':
      return base(ev.by, null, null, `risk list v${ev.version}, ${ev.entries.length} entries`);
    case 'risk:rules-published':
      return base(ev.by, null, null, `risk rules v${ev.version}, ${ev.rules.length} rules`);
    case 'risk:alert-assigned':
      return base(ev.by, ev.alertId, null, `owner ${ev.ownerId}`);
    case 'risk:alert-disposed':
      return base(ev.by, ev.alertId, ev.note, ev.disposition);
    case 'ticket:priority-overridden': {
      const a = ev.action;
      const detail =
        a.kind === 'front' ? 'front' : a.kind === 'pin' ? `pin ${a.windowId}` : `class ${a.priorityClass}`;
      return base(ev.note.by, ev.ticketId, ev.note.reason, detail);
    }
    case 'ticket:transferred': {
      const to = ev.pinnedWindowId
        ? `to window ${ev.pinnedWindowId}`
        : ev.requiredPost
          ? `to post ${ev.requiredPost}`
          : `to category ${ev.categoryId}`;
      return base(ev.by, ev.ticketId, ev.note, to);
    }
    case 'ticket:cancelled':
      return base(ev.by, ev.ticketId, ev.reason, null);
    case 'ticket:reinstated':
      return base(ev.by, ev.ticketId, null, null);
    case 'day:closed':
      return base(ev.by, ev.businessDay, ev.reason, `${ev.settledTicketIds.length} tickets settled`);
    case 'hall:configured':
      return base(
        ev.by,
        null,
        null,
        `${ev.config.categories.length} categories, ${ev.config.windows.length} windows`,
      );
    default:
      return null;
  }
}

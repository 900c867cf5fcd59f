/**
 * Risk control (LD/T 02 §12; SPEC RISK-*): the hall's risk list and rule set (published as
 * facts), the monitor run inside every unit of work (an alert commits with the fact that raised
 * it), blocking rules checked before a unit's facts are appended, a manager's one-time override,
 * the periodic tick for time-driven rules and escalation, and alert handling.
 */
import { randomUUID } from 'node:crypto';
import {
  type Ack,
  DEFAULT_RISK_LIST,
  DEFAULT_RISK_RULES,
  type EventBody,
  type HallEvent,
  RISK_LEVEL_ZH,
  type RiskAlert,
  type RiskAlertList,
  type RiskDisposition,
  type RiskEntry,
  type RiskFact,
  type RiskListView,
  type RiskOverrideGrant,
  type RiskRule,
  type RiskRulesView,
  riskBlockedMessageZh,
} from '@onewindow/shared';
import ExcelJS from 'exceljs';
import { businessDayOf } from '../domain/clock.ts';
import {
  actorOf,
  blockingFindings,
  observe,
  type RiskContext,
  type RiskState,
  replayRisk,
  tick,
} from '../domain/risk.ts';
import type { WorkingCalendar } from './calendar.ts';
import { type Clock, type HallService, Refusal } from './hall.service.ts';
import { type StatsTable, statsCsv } from './stats.ts';

/** How long a manager's override waits for the blocked person to try again. */
export const OVERRIDE_TTL_MS = 30 * 60_000;

export interface RiskDeps {
  hall: HallService;
  /** The whole fact log, in order (the monitor is rebuilt from it at start and after a rollback). */
  events: () => Iterable<HallEvent>;
  calendar: WorkingCalendar;
  clock: Clock;
  utcOffsetMinutes: () => number;
  /** A staff account's id by login name (failed logins of unknown names are counted together). */
  staffIdByUsername: (username: string) => string | undefined;
  staffExists: (id: string) => boolean;
  /** A staff member's name and 工号 for the alert list (managers see who). */
  staffLabel?: (id: string) => string | undefined;
  audit: (actor: string, action: string, target: string | null, detail: unknown) => void;
}

const fail = <T>(code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST', message: string): Ack<T> => ({
  ok: false,
  error: { code, message },
});

export class RiskService {
  private state: RiskState;
  private readonly workingDays = new Map<string, boolean>();
  readonly ctx: RiskContext;
  private readonly listeners = new Set<(alerts: RiskAlert[]) => void>();

  constructor(private readonly d: RiskDeps) {
    this.ctx = {
      addWorkingDays: (from, n) => d.calendar.addWorkingDays(from, n),
      // Cached per date (the hall's overrides are a query); the tick forgets the cache.
      isWorkingDay: (date) => {
        let w = this.workingDays.get(date);
        if (w === undefined) {
          w = d.calendar.isWorkingDay(date);
          this.workingDays.set(date, w);
        }
        return w;
      },
    };
    this.state = replayRisk(d.events(), this.ctx).state;
    d.hall.guard((unitType, facts) => this.guard(unitType, facts));
    d.hall.react((events) => this.react(events));
    d.hall.onRollback(() => {
      this.state = replayRisk(d.events(), this.ctx).state;
    });
    d.hall.subscribe((events) => {
      const touched = new Set<string>();
      for (const ev of events)
        if (ev.type.startsWith('risk:alert-') && 'alertId' in ev) touched.add(ev.alertId);
      if (touched.size === 0) return;
      const today = this.today();
      const alerts = [...touched]
        .map((id) => this.state.alerts.get(id))
        .filter((a): a is RiskAlert => a !== undefined)
        .map((a) => this.view(a, today));
      for (const fn of this.listeners) fn(alerts);
    });
  }

  /** Alerts raised or changed by a commit, as they stand after it (the console's live list). */
  onAlerts(fn: (alerts: RiskAlert[]) => void): void {
    this.listeners.add(fn);
  }

  /** RISK-LIST-2, RISK-RULE-2: a hall without a published list or rule set gets the starting ones. */
  seed(): void {
    const facts: RiskFact[] = [];
    if (this.state.list.version === 0)
      facts.push({
        type: 'risk:list-published',
        version: 1,
        entries: DEFAULT_RISK_LIST.map((e) => ({ ...e })),
        by: 'system',
      });
    if (this.state.rules.version === 0)
      facts.push({
        type: 'risk:rules-published',
        version: 1,
        rules: structuredClone([...DEFAULT_RISK_RULES]),
        by: 'system',
      });
    if (facts.length > 0) this.d.hall.run({ type: 'risk:seed' }, (u) => u.append(facts));
  }

  today(): string {
    return businessDayOf(this.d.clock.now(), this.d.utcOffsetMinutes());
  }

  /** The monitor's state (read only; tests compare it with a replay). */
  get monitor(): Readonly<RiskState> {
    return this.state;
  }

  private guard(unitType: string, facts: readonly HallEvent[]): EventBody[] {
    const extra: EventBody[] = [];
    const taken = new Set<string>();
    for (const ev of facts) {
      for (const f of blockingFindings(this.state, ev, this.ctx)) {
        const actor = actorOf(this.state, ev) ?? (f.subject.kind === 'staff' ? f.subject.id : 'unknown');
        const grant = this.liveGrant(f.rule.id, actor, ev.at, taken);
        if (grant !== undefined) {
          taken.add(grant.grantId);
          extra.push({
            type: 'risk:overridden',
            grantId: grant.grantId,
            ruleId: f.rule.id,
            riskCode: f.rule.riskCode,
            command: unitType,
            actorId: actor,
            supervisorId: grant.supervisorId,
            reason: grant.reason,
          });
          continue;
        }
        const name = this.state.list.entries.find((e) => e.code === f.rule.riskCode)?.name ?? null;
        throw new Refusal(
          {
            code: 'RISK_BLOCKED',
            message: `blocked by risk rule ${f.rule.id} (${f.rule.kind}, ${f.rule.riskCode}): ${f.detail}. A manager may allow it once: POST /api/risk/overrides {ruleId, actorId, reason}, then retry.`,
            messageZh: riskBlockedMessageZh(f.rule.id, f.rule.kind, name),
          },
          [
            {
              type: 'risk:intercepted',
              ruleId: f.rule.id,
              riskCode: f.rule.riskCode,
              command: unitType,
              actorId: actor,
              subject: f.subject,
            },
          ],
        );
      }
    }
    return extra;
  }

  /**
   * A live grant for this rule and person: the unit that uses it commits `risk:overridden` naming
   * it, which spends it; a unit that rolls back spends nothing (the state is rebuilt from the log).
   */
  private liveGrant(ruleId: string, actorId: string, at: number, taken: ReadonlySet<string>) {
    for (const g of this.state.grants.values())
      if (g.expiresAt >= at && g.ruleId === ruleId && g.actorId === actorId && !taken.has(g.grantId))
        return g;
    return undefined;
  }

  private react(events: readonly HallEvent[]): EventBody[] {
    const out: EventBody[] = [];
    for (const ev of events) out.push(...observe(this.state, ev, this.ctx));
    return out;
  }

  /**
   * RISK-EVAL-4, RISK-HND-3: raises the time-driven alerts and escalates overdue ones, in one
   * unit at the tick's time. Idempotent: a second run finds nothing new.
   * @returns how many facts it committed
   */
  runTick(): number {
    this.workingDays.clear();
    const r = this.d.hall.run({ type: 'risk:tick' }, (u) => {
      const facts = tick(this.state, u.now, this.ctx);
      if (facts.length > 0) u.append(facts);
      return facts.length;
    });
    return r.ok ? r.value : 0;
  }

  /** A failed staff login (RISK-RULE-1 failed-logins): a fact of its own, by account id or none. */
  loginFailed(username: string): void {
    const staffId = this.d.staffIdByUsername(username) ?? null;
    this.d.hall.run({ type: 'risk:login-failed' }, (u) => u.append([{ type: 'risk:login-failed', staffId }]));
  }

  list(): RiskListView {
    const l = this.state.list;
    return {
      version: l.version,
      publishedAt: l.at,
      publishedBy: l.by,
      entries: l.entries.map((e) => ({ ...e })),
    };
  }

  rules(): RiskRulesView {
    const r = this.state.rules;
    return { version: r.version, publishedAt: r.at, publishedBy: r.by, rules: structuredClone(r.rules) };
  }

  /** RISK-LIST-1: a new version of the list, as a fact. Rules must still find their entries. */
  publishList(entries: RiskEntry[], by: string): Ack<RiskListView> {
    const codes = new Set(entries.map((e) => e.code));
    const orphan = this.state.rules.rules.find((r) => !codes.has(r.riskCode));
    if (orphan)
      return fail(
        'CONFLICT',
        `rule ${orphan.id} watches ${orphan.riskCode}, which this list drops; change the rule first`,
      );
    const r = this.d.hall.run({ type: 'risk:publish-list' }, (u) =>
      u.append([{ type: 'risk:list-published', version: this.state.list.version + 1, entries, by }]),
    );
    return r.ok ? { ok: true, data: this.list() } : r;
  }

  /** RISK-RULE-1: a new version of the rule set, as a fact; each rule names an entry of the list. */
  publishRules(rules: RiskRule[], by: string): Ack<RiskRulesView> {
    const codes = new Set(this.state.list.entries.map((e) => e.code));
    const bad = rules.find((r) => !codes.has(r.riskCode));
    if (bad) return fail('BAD_REQUEST', `rule ${bad.id}: no risk-list entry ${bad.riskCode}`);
    const r = this.d.hall.run({ type: 'risk:publish-rules' }, (u) =>
      u.append([{ type: 'risk:rules-published', version: this.state.rules.version + 1, rules, by }]),
    );
    return r.ok ? { ok: true, data: this.rules() } : r;
  }

  private view(a: RiskAlert, today: string): RiskAlert {
    const who = a.subject.kind === 'staff' ? this.d.staffLabel?.(a.subject.id) : undefined;
    return {
      ...a,
      subject: { ...a.subject },
      subjectLabel: who ?? null,
      overdue: a.status !== 'disposed' && today > a.dueDay,
    };
  }

  /** RISK-HND-4: alerts newest first, filtered by status, risk code and a search over ids and wording. */
  alerts(filter: { status?: string; q?: string; riskCode?: string } = {}): RiskAlertList {
    const today = this.today();
    const all = [...this.state.alerts.values()].map((a) => this.view(a, today)).reverse();
    const counts = { open: 0, assigned: 0, disposed: 0, overdue: 0, total: all.length };
    for (const a of all) {
      counts[a.status] += 1;
      if (a.overdue) counts.overdue += 1;
    }
    const q = filter.q?.trim().toLowerCase() ?? '';
    const alerts = all.filter(
      (a) =>
        (filter.status === undefined ||
          (filter.status === 'overdue'
            ? a.overdue
            : filter.status === 'active'
              ? a.status !== 'disposed'
              : a.status === filter.status)) &&
        (filter.riskCode === undefined || a.riskCode === filter.riskCode) &&
        (q === '' ||
          [a.alertId, a.ruleId, a.riskCode, a.riskName ?? '', a.subject.id, a.detail, a.ownerId ?? ''].some(
            (s) => s.toLowerCase().includes(q),
          )),
    );
    return { today, alerts, counts };
  }

  /**
   * The guide desk's list (RISK-HND-5): long-wait alerts not disposed whose ticket still waits,
   * without handling notes. Replaces the console's own long-wait timer.
   */
  waitAlerts(): RiskAlert[] {
    const today = this.today();
    const waitRules = new Set(this.state.rules.rules.filter((r) => r.kind === 'long-wait').map((r) => r.id));
    return [...this.state.alerts.values()]
      .filter(
        (a) =>
          waitRules.has(a.ruleId) &&
          a.status !== 'disposed' &&
          a.subject.kind === 'ticket' &&
          this.state.tickets.get(a.subject.id)?.waiting === true,
      )
      .map((a) => ({ ...this.view(a, today), note: null }));
  }

  /** Whether an alert is one the guide desk sees (a long wait). */
  isWaitAlert(a: RiskAlert): boolean {
    return this.state.rules.rules.some((r) => r.id === a.ruleId && r.kind === 'long-wait');
  }

  get(alertId: string): RiskAlert | undefined {
    const a = this.state.alerts.get(alertId);
    return a === undefined ? undefined : this.view(a, this.today());
  }

  /** RISK-HND-1: gives an alert an owner (a fact). */
  assign(alertId: string, ownerId: string, by: string): Ack<RiskAlert> {
    const a = this.state.alerts.get(alertId);
    if (!a) return fail('NOT_FOUND', `no alert ${alertId}`);
    if (a.status === 'disposed') return fail('CONFLICT', 'this alert is disposed');
    if (!this.d.staffExists(ownerId)) return fail('BAD_REQUEST', `no staff member ${ownerId}`);
    const r = this.d.hall.run({ type: 'risk:assign' }, (u) =>
      u.append([{ type: 'risk:alert-assigned', alertId, ownerId, by }]),
    );
    return r.ok ? { ok: true, data: this.get(alertId)! } : r;
  }

  /** RISK-HND-2: closes an alert with its disposition and note (a fact); disposed stays disposed. */
  dispose(alertId: string, body: { disposition: RiskDisposition; note: string }, by: string): Ack<RiskAlert> {
    const a = this.state.alerts.get(alertId);
    if (!a) return fail('NOT_FOUND', `no alert ${alertId}`);
    if (a.status === 'disposed') return fail('CONFLICT', 'this alert is already disposed');
    const r = this.d.hall.run({ type: 'risk:dispose' }, (u) =>
      u.append([
        { type: 'risk:alert-disposed', alertId, disposition: body.disposition, note: body.note, by },
      ]),
    );
    return r.ok ? { ok: true, data: this.get(alertId)! } : r;
  }

  /**
   * RISK-INT-2: a manager lets one person past one blocking rule once, within 30 minutes. The
   * grant is audited now; the reason goes into the `risk:overridden` fact of the unit that uses it.
   */
  grantOverride(
    supervisorId: string,
    body: { ruleId: string; actorId: string; reason: string },
  ): Ack<RiskOverrideGrant> {
    const rule = this.state.rules.rules.find((r) => r.id === body.ruleId);
    if (!rule) return fail('NOT_FOUND', `no rule ${body.ruleId}`);
    // The manager names the colleague by account (username) or id.
    const actorId = this.d.staffExists(body.actorId)
      ? body.actorId
      : (this.d.staffIdByUsername(body.actorId) ?? body.actorId);
    body = { ...body, actorId };
    if (rule.mode !== 'block') return fail('CONFLICT', `rule ${body.ruleId} does not block`);
    if (body.actorId === supervisorId)
      return fail('CONFLICT', 'a supervisor may not override a rule for themselves');
    const now = this.d.clock.now();
    const grantId = randomUUID();
    const expiresAt = now + OVERRIDE_TTL_MS;
    // The grant is a fact (RISK-INT-2): it survives a restart and the audit search lists it.
    const r = this.d.hall.run({ type: 'risk:override' }, (u) =>
      u.append([
        {
          type: 'risk:override-granted',
          grantId,
          ruleId: body.ruleId,
          riskCode: rule.riskCode,
          actorId: body.actorId,
          supervisorId,
          reason: body.reason,
          expiresAt,
        },
      ]),
    );
    if (!r.ok) return r;
    return {
      ok: true,
      data: {
        id: grantId,
        ruleId: body.ruleId,
        actorId: body.actorId,
        supervisorId,
        createdAt: now,
        expiresAt,
      },
    };
  }

  /** RISK-LIST-3: the list as it stands, as CSV (UTF-8 BOM) or XLSX. */
  async exportList(
    format: 'csv' | 'xlsx',
  ): Promise<{ name: string; nameZh: string; type: string; body: string | Buffer }> {
    const l = this.list();
    const table: StatsTable = {
      sheet: '风险清单',
      title: `风险清单 Risk list v${l.version}`,
      columns: [
        '类别 Category',
        '代码 Code',
        '名称 Name',
        '描述 Description',
        '发生概率 Probability',
        '破坏程度 Severity',
        '预防措施 Prevention',
        '处置时限（工作日） Disposal days',
      ],
      rows: l.entries.map((e) => [
        e.category,
        e.code,
        e.name,
        e.description,
        RISK_LEVEL_ZH[e.probability],
        RISK_LEVEL_ZH[e.severity],
        e.prevention,
        e.disposalDays,
      ]),
    };
    const name = `onewindow-risk-list_v${l.version}.${format}`;
    const nameZh = `风险清单_v${l.version}.${format}`;
    if (format === 'csv') return { name, nameZh, type: 'text/csv; charset=utf-8', body: statsCsv([table]) };
    const wb = new ExcelJS.Workbook();
    wb.creator = 'OneWindow';
    wb.created = new Date(this.d.clock.now());
    const ws = wb.addWorksheet(table.sheet);
    ws.addRow([table.title]).font = { bold: true };
    ws.addRow(table.columns).font = { bold: true };
    for (const row of table.rows) ws.addRow(row);
    ws.views = [{ state: 'frozen', ySplit: 2 }];
    return {
      name,
      nameZh,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: Buffer.from(await wb.xlsx.writeBuffer()),
    };
  }
}

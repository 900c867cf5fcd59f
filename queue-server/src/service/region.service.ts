/**
 * The region's documents in this hall (issue #18 point 3; SPEC RGN-PUSH-*): the regional catalog,
 * calendar corrections, risk list and rule set, applied each in one unit of work that writes
 * what it changes (the catalog, the calendar overrides, a `risk:*-published` fact) and the
 * `region:document-applied` fact naming the regional version, what the region set and what of
 * the hall's own it kept. The versions the hall runs are the fold of those facts.
 */
import {
  type ApiError,
  type CalendarOverride,
  REGION_DOCUMENT_SCHEMAS,
  type RegionDocument,
  type RegionDocumentKind,
  type RegionDocumentStatus,
  type RegionFact,
  type RegionVersions,
  type RiskEntry,
  type RiskRule,
  type ServiceItem,
} from '@onewindow/shared';
import type { HallStore } from '../store/hall.store.ts';
import type { CatalogService } from './catalog.ts';
import type { HallService } from './hall.service.ts';
import type { RiskService } from './risk.service.ts';

export interface RegionDeps {
  hall: HallService;
  store: HallStore;
  catalog: CatalogService;
  risk: RiskService;
  /** Called after calendar overrides changed (the working-day caches forget). */
  calendarChanged?: () => void;
}

/** What the hall runs of one document kind, and the last attempt that failed. */
export type AppliedDocument = RegionDocumentStatus;

const BY = 'center';

export class RegionService {
  private readonly applied = new Map<RegionDocumentKind, RegionFact & { at: number }>();
  private readonly refused = new Map<RegionDocumentKind, { version: number; message: string }>();

  constructor(private readonly d: RegionDeps) {
    for (const ev of d.store.eventsOfType('region:document-applied'))
      if (ev.type === 'region:document-applied') this.applied.set(ev.kind, ev);
  }

  /** RGN-PUSH-4: the version of each document this hall runs. */
  versions(): RegionVersions {
    const v: RegionVersions = {};
    for (const [k, f] of this.applied) v[k] = f.version;
    return v;
  }

  status(): AppliedDocument[] {
    return (['catalog', 'calendar', 'risk-list', 'risk-rules'] as const).map((kind) => {
      const f = this.applied.get(kind);
      return {
        kind,
        version: f?.version ?? 0,
        at: f?.at ?? null,
        regional: f?.regional ?? [],
        localKept: f?.localKept ?? [],
        refused: this.refused.get(kind) ?? null,
      };
    });
  }

  /** Whether a catalog item is the hall's own addition (not from the region's catalog). */
  isLocalItem(code: string): boolean {
    return !(this.applied.get('catalog')?.regional ?? []).includes(code);
  }

  /**
   * RGN-PUSH-2, RGN-PUSH-3: applies documents newer than what the hall runs, oldest kind first
   * in a fixed order (the risk list before the rules that name its entries). A document the hall
   * cannot take is refused and remembered; the next pull tries its successor.
   */
  applyAll(docs: readonly RegionDocument[]): { applied: number; refused: number } {
    const order: RegionDocumentKind[] = ['catalog', 'calendar', 'risk-list', 'risk-rules'];
    let applied = 0;
    let refused = 0;
    for (const kind of order)
      for (const doc of docs.filter((x) => x.kind === kind).sort((a, b) => a.version - b.version)) {
        const r = this.apply(doc);
        if (r.ok) applied++;
        else if (r.error.code !== 'CONFLICT' || !r.error.message.startsWith('already')) refused++;
      }
    return { applied, refused };
  }

  apply(doc: RegionDocument): { ok: true; fact: RegionFact } | { ok: false; error: ApiError } {
    const current = this.applied.get(doc.kind)?.version ?? 0;
    if (doc.version <= current)
      return { ok: false, error: { code: 'CONFLICT', message: `already at ${doc.kind} version ${current}` } };
    const parsed = REGION_DOCUMENT_SCHEMAS[doc.kind].safeParse(doc.body);
    if (!parsed.success)
      return this.refuse(doc, `invalid ${doc.kind}: ${parsed.error.issues[0]?.message ?? ''}`);
    const prev = new Set(this.applied.get(doc.kind)?.regional ?? []);
    const r = this.d.hall.run({ type: 'region:apply' }, (u) => {
      let fact: RegionFact;
      switch (doc.kind) {
        case 'catalog': {
          const regionalItems = (parsed.data as { items: ServiceItem[] }).items;
          const codes = new Set(regionalItems.map((i) => i.code));
          const local = this.d.catalog.items().filter((i) => !prev.has(i.code) && !codes.has(i.code));
          const res = this.d.catalog.import(BY, [...regionalItems, ...local]);
          if (!res.ok) u.refuse(res.error);
          fact = this.fact(
            doc,
            [...codes],
            local.map((i) => i.code),
          );
          break;
        }
        case 'calendar': {
          const overrides = (parsed.data as { overrides: CalendarOverride[] }).overrides;
          const store = this.d.store.calendarOverrides;
          const existing = new Map(store.all().map((o) => [o.date, o]));
          const dates = new Set(overrides.map((o) => o.date));
          const localKept: string[] = [];
          for (const [date] of existing) if (prev.has(date) && !dates.has(date)) store.delete(date);
          for (const o of overrides) {
            const mine = existing.get(o.date);
            // The hall's own correction of a date wins over the region's (it knows its city).
            if (mine !== undefined && !prev.has(o.date)) localKept.push(o.date);
            else store.put(o);
          }
          for (const [date] of existing) if (!prev.has(date) && !dates.has(date)) localKept.push(date);
          fact = this.fact(doc, [...dates], localKept.sort());
          break;
        }
        case 'risk-list': {
          const entries = (parsed.data as { entries: RiskEntry[] }).entries;
          const codes = new Set(entries.map((e) => e.code));
          const view = this.d.risk.list();
          const local = view.entries.filter((e) => !prev.has(e.code) && !codes.has(e.code));
          const all = [...entries, ...local];
          const have = new Set(all.map((e) => e.code));
          const orphan = this.d.risk.rules().rules.find((x) => !have.has(x.riskCode));
          if (orphan)
            u.refuse({
              code: 'CONFLICT',
              message: `rule ${orphan.id} watches ${orphan.riskCode}, which this list drops; publish the rules first`,
            });
          u.append([{ type: 'risk:list-published', version: view.version + 1, entries: all, by: BY }]);
          fact = this.fact(
            doc,
            [...codes],
            local.map((e) => e.code),
          );
          break;
        }
        case 'risk-rules': {
          const rules = (parsed.data as { rules: RiskRule[] }).rules;
          const ids = new Set(rules.map((x) => x.id));
          const view = this.d.risk.rules();
          const local = view.rules.filter((x) => !prev.has(x.id) && !ids.has(x.id));
          const all = [...rules, ...local];
          const codes = new Set(this.d.risk.list().entries.map((e) => e.code));
          const bad = all.find((x) => !codes.has(x.riskCode));
          if (bad)
            u.refuse({ code: 'BAD_REQUEST', message: `rule ${bad.id}: no risk-list entry ${bad.riskCode}` });
          u.append([{ type: 'risk:rules-published', version: view.version + 1, rules: all, by: BY }]);
          fact = this.fact(
            doc,
            [...ids],
            local.map((x) => x.id),
          );
          break;
        }
      }
      u.append([fact]);
      return fact;
    });
    if (!r.ok) return this.refuse(doc, r.error.message);
    if (doc.kind === 'calendar') this.d.calendarChanged?.();
    const stamped = r.events.find((e) => e.type === 'region:document-applied');
    this.applied.set(doc.kind, { ...r.value, at: stamped?.at ?? 0 });
    this.refused.delete(doc.kind);
    return { ok: true, fact: r.value };
  }

  private fact(doc: RegionDocument, regional: string[], localKept: string[]): RegionFact {
    return {
      type: 'region:document-applied',
      kind: doc.kind,
      version: doc.version,
      regional,
      localKept,
      by: BY,
    };
  }

  private refuse(doc: RegionDocument, message: string): { ok: false; error: ApiError } {
    this.refused.set(doc.kind, { version: doc.version, message });
    return { ok: false, error: { code: 'BAD_REQUEST', message } };
  }
}

/**
 * 日结轧账 (LD/T 02 §9.6.2): at the end of the day each comprehensive and rights clerk checks
 * their business of the day (slips issued, cases accepted, supplements taken, results handed
 * back) against the materials captured, the results handed out and the paper pages they count
 * into the 档案 box. Not the queue's day close (日结), which settles tickets.
 *
 * Everything here is pure and zod-free (the console bundles it): `reconcile` lists the
 * discrepancies of one clerk's day from the hall's facts; `applyReconFact` folds the `recon:*`
 * facts into the day's state (open → signed → locked, reopened by a later fact). SPEC REC-*.
 */

/** A calendar date in the hall's time zone, `YYYY-MM-DD`. */
type LocalDate = string;

/** The posts that reconcile a day (§9.6.2: 综合柜员岗 and 权益柜员岗). */
export const RECON_ROLES = ['clerk', 'rights-clerk'] as const;

/**
 * What a clerk's day can show (SPEC REC-2):
 * - `material-missing`: a case they accepted has a required material neither captured nor waived;
 * - `count-differs`: the paper pages counted into the box differ from the pages captured;
 * - `not-counted`: business that took paper in has no count;
 * - `slip-without-case`: an acceptance receipt whose case does not exist;
 * - `case-without-slip`: a case they accepted with no acceptance receipt;
 * - `accepted-without-case`: a ticket finished as accepted at their window with no case;
 * - `handout-unrecorded`: a result they declare handed out with no hand-back fact of theirs that day;
 * - `handback-undeclared`: a hand-back fact of theirs whose result they did not declare handed out.
 */
export const DISCREPANCY_KINDS = [
  'material-missing',
  'count-differs',
  'not-counted',
  'slip-without-case',
  'case-without-slip',
  'accepted-without-case',
  'handout-unrecorded',
  'handback-undeclared',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

export const DISCREPANCY_LABELS: Record<DiscrepancyKind, { zh: string; en: string }> = {
  'material-missing': {
    zh: '必需材料既未采集也未标记免提交',
    en: 'Required material neither captured nor waived',
  },
  'count-differs': { zh: '纸质材料页数与采集页数不符', en: 'Paper pages differ from pages captured' },
  'not-counted': { zh: '未清点纸质材料', en: 'Paper materials not counted' },
  'slip-without-case': { zh: '受理回执无对应案件', en: 'Acceptance receipt without a case' },
  'case-without-slip': { zh: '案件无受理回执', en: 'Case without an acceptance receipt' },
  'accepted-without-case': { zh: '号票按受理办结但无案件', en: 'Ticket finished as accepted with no case' },
  'handout-unrecorded': { zh: '已出件但系统无出件记录', en: 'Result handed out with no hand-back record' },
  'handback-undeclared': { zh: '系统有出件记录但未清点出件', en: 'Hand-back recorded but not declared' },
};

/** A material page as the capture facts carry it. */
export interface ReconPage {
  sha256: string;
  mime: string;
  bytes: number;
}

/**
 * The facts a reconciliation reads, structurally (a subset of the hall's facts with their seq and
 * time). Material facts are those of the electronic case file (issue #15 points 1–2).
 */
export type ReconInputFact = { seq: number; at: number } & (
  | {
      type: 'slip:issued';
      number: string;
      kind: 'completion' | 'acceptance' | 'rejection' | 'supplement';
      ticketId: string;
      caseId: string | null;
      itemCode: string;
      windowId: string | null;
      by: string;
    }
  | {
      type: 'case:accepted';
      caseId: string;
      ticketId: string;
      ticketNumber: string;
      itemCode: string;
      itemName: string;
      by: string;
      /** An instant business's case file (MAT-INSTANT-1): its slip is the completion slip. */
      instant?: true;
    }
  | { type: 'case:supplemented'; caseId: string; by: string }
  | { type: 'case:handed-back'; caseId: string; by: string }
  | { type: 'case:material-captured'; caseId: string; material: string; pages: ReconPage[]; by: string }
  | { type: 'case:material-waived'; caseId: string; material: string; by: string }
  | { type: 'case:material-removed'; caseId: string; material: string; sha256: string; by: string }
  | { type: 'window:opened'; windowId: string; clerkId: string }
  | { type: 'window:closed'; windowId: string }
  | { type: 'ticket:finished'; ticketId: string; windowId: string; outcome: string }
);

/** The fact types a reconciliation reads. */
export const RECON_INPUT_TYPES = [
  'slip:issued',
  'case:accepted',
  'case:supplemented',
  'case:handed-back',
  'case:material-captured',
  'case:material-waived',
  'case:material-removed',
  'window:opened',
  'window:closed',
  'ticket:finished',
] as const satisfies readonly ReconInputFact['type'][];

/** What the clerk counted: paper pages per entry (by `ref`) and the results they handed out (case ids). */
export interface ReconCounts {
  counts: Record<string, number>;
  handedOut: string[];
}

export interface ReconInput extends ReconCounts {
  clerkId: string;
  businessDay: LocalDate;
  utcOffsetMinutes: number;
  /** The hall's facts of these types from the start of the day on, in seq order. */
  facts: readonly ReconInputFact[];
  /** The guide's materials of an item, or undefined when its guide lists none. */
  materialsOf(itemCode: string): readonly { name: string; required: boolean }[] | undefined;
}

/** One piece of the clerk's business that day: a case, or a slip without a case. */
export interface ReconEntry {
  /** The case id, or the slip's number when there is no case. */
  ref: string;
  caseId: string | null;
  ticketId: string;
  ticketNumber: string | null;
  itemCode: string;
  itemName: string | null;
  /** What the clerk did with it that day. */
  roles: ('accepted' | 'supplemented' | 'slip' | 'captured' | 'handed-back')[];
  slips: { number: string; kind: string }[];
  /** Pages the clerk captured for it that day and still linked; null when it has no case. */
  pagesCaptured: number | null;
  /** The paper pages counted into the box, when counted. */
  counted: number | null;
  /** Whether paper was taken in (a count is due). */
  countDue: boolean;
}

export interface Discrepancy {
  /** Stable across recounts of the same day, so an explanation stays with its discrepancy. */
  key: string;
  kind: DiscrepancyKind;
  ref: string;
  /** What is off, in a few words (material name, the two counts). No personal data. */
  detail: string;
}

export interface ReconResult {
  entries: ReconEntry[];
  discrepancies: Discrepancy[];
  /** Every case and ticket id the day is made of: a later fact on one reopens a signed day (REC-5). */
  refs: string[];
}

/** The local business day of a time. */
export function reconDayOf(at: number, utcOffsetMinutes: number): LocalDate {
  return new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The UTC milliseconds at which a local business day starts. */
export function reconDayStart(day: LocalDate, utcOffsetMinutes: number): number {
  return Date.parse(`${day}T00:00:00Z`) - utcOffsetMinutes * 60_000;
}

type MaterialState = { pages: Map<string, ReconPage>; waived: boolean };

/**
 * One clerk's day (SPEC REC-1, REC-2): their entries and every discrepancy in them. Facts before
 * the day are ignored; facts after it count only when they change the materials of a case of the
 * day (a page captured or removed later shows, and reopens a signed day: REC-5).
 */
export function reconcile(input: ReconInput): ReconResult {
  const { clerkId, businessDay: day, utcOffsetMinutes: off } = input;
  const entries = new Map<string, ReconEntry>();
  const accepted = new Map<string, Extract<ReconInputFact, { type: 'case:accepted' }>>();
  const acceptedAnywhere = new Set<string>();
  const slipsByCase = new Map<string, string[]>();
  const handedBack = new Set<string>();
  const materials = new Map<string, Map<string, MaterialState>>();
  const capturedByClerk = new Map<string, Map<string, ReconPage>>();
  const windowClerk = new Map<string, string>();
  const finishedAccepted: { ticketId: string }[] = [];
  const caseOfTicket = new Map<string, string>();

  const entry = (ref: string, init: () => Omit<ReconEntry, 'ref' | 'roles' | 'slips' | 'counted'>) => {
    let e = entries.get(ref);
    if (e === undefined) {
      e = { ref, roles: [], slips: [], counted: null, ...init() };
      entries.set(ref, e);
    }
    return e;
  };
  const mark = (e: ReconEntry, role: ReconEntry['roles'][number]) => {
    if (!e.roles.includes(role)) e.roles.push(role);
  };
  const materialOf = (caseId: string, name: string): MaterialState => {
    let byName = materials.get(caseId);
    if (byName === undefined) {
      byName = new Map();
      materials.set(caseId, byName);
    }
    let m = byName.get(name);
    if (m === undefined) {
      m = { pages: new Map(), waived: false };
      byName.set(name, m);
    }
    return m;
  };

  for (const f of input.facts) {
    const fDay = reconDayOf(f.at, off);
    if (fDay < day) continue;
    const today = fDay === day;
    switch (f.type) {
      case 'window:opened':
        if (today) windowClerk.set(f.windowId, f.clerkId);
        break;
      case 'window:closed':
        if (today) windowClerk.delete(f.windowId);
        break;
      case 'ticket:finished':
        if (today && f.outcome === 'accepted' && windowClerk.get(f.windowId) === clerkId)
          finishedAccepted.push({ ticketId: f.ticketId });
        break;
      case 'case:accepted':
        acceptedAnywhere.add(f.caseId);
        caseOfTicket.set(f.ticketId, f.caseId);
        if (today && f.by === clerkId) {
          accepted.set(f.caseId, f);
          const e = entry(f.caseId, () => ({
            caseId: f.caseId,
            ticketId: f.ticketId,
            ticketNumber: f.ticketNumber,
            itemCode: f.itemCode,
            itemName: f.itemName,
            pagesCaptured: 0,
            countDue: true,
          }));
          e.ticketId = f.ticketId;
          e.ticketNumber = f.ticketNumber;
          e.itemCode = f.itemCode;
          e.itemName = f.itemName;
          e.countDue = true;
          mark(e, 'accepted');
        }
        break;
      case 'slip:issued':
        if (f.caseId !== null) slipsByCase.set(f.caseId, [...(slipsByCase.get(f.caseId) ?? []), f.kind]);
        if (today && f.by === clerkId) {
          const ref = f.caseId ?? f.number;
          const e = entry(ref, () => ({
            caseId: f.caseId,
            ticketId: f.ticketId,
            ticketNumber: null,
            itemCode: f.itemCode,
            itemName: null,
            pagesCaptured: f.caseId === null ? null : 0,
            // A refusal takes no paper in; a completion, an acceptance or a 补正告知 may.
            countDue: f.kind !== 'rejection',
          }));
          e.slips.push({ number: f.number, kind: f.kind });
          if (f.kind !== 'rejection') e.countDue = true;
          mark(e, 'slip');
        }
        break;
      case 'case:supplemented':
        if (today && f.by === clerkId) {
          const e = entry(f.caseId, () => ({
            caseId: f.caseId,
            ticketId: '',
            ticketNumber: null,
            itemCode: '',
            itemName: null,
            pagesCaptured: 0,
            countDue: true,
          }));
          e.countDue = true;
          mark(e, 'supplemented');
        }
        break;
      case 'case:handed-back':
        if (today && f.by === clerkId) {
          handedBack.add(f.caseId);
          const e = entry(f.caseId, () => ({
            caseId: f.caseId,
            ticketId: '',
            ticketNumber: null,
            itemCode: '',
            itemName: null,
            pagesCaptured: 0,
            countDue: false,
          }));
          mark(e, 'handed-back');
        }
        break;
      case 'case:material-captured': {
        const m = materialOf(f.caseId, f.material);
        for (const p of f.pages) m.pages.set(p.sha256, p);
        if (f.by === clerkId && (today || entries.has(f.caseId))) {
          let mine = capturedByClerk.get(f.caseId);
          if (mine === undefined) {
            mine = new Map();
            capturedByClerk.set(f.caseId, mine);
          }
          for (const p of f.pages) mine.set(p.sha256, p);
          if (today) {
            const e = entry(f.caseId, () => ({
              caseId: f.caseId,
              ticketId: '',
              ticketNumber: null,
              itemCode: '',
              itemName: null,
              pagesCaptured: 0,
              countDue: true,
            }));
            e.countDue = true;
            mark(e, 'captured');
          }
        }
        break;
      }
      case 'case:material-waived':
        materialOf(f.caseId, f.material).waived = true;
        break;
      case 'case:material-removed':
        materialOf(f.caseId, f.material).pages.delete(f.sha256);
        capturedByClerk.get(f.caseId)?.delete(f.sha256);
        break;
    }
  }

  const discrepancies: Discrepancy[] = [];
  const add = (kind: DiscrepancyKind, ref: string, detail: string, sub = '') =>
    discrepancies.push({ key: `${kind}:${ref}${sub === '' ? '' : `:${sub}`}`, kind, ref, detail });

  for (const e of entries.values()) {
    if (e.caseId !== null) e.pagesCaptured = capturedByClerk.get(e.caseId)?.size ?? 0;
    const counted = input.counts[e.ref];
    e.counted = counted === undefined ? null : counted;
  }

  for (const e of entries.values()) {
    const acc = e.caseId !== null ? accepted.get(e.caseId) : undefined;
    if (acc !== undefined) {
      for (const m of input.materialsOf(acc.itemCode) ?? []) {
        if (!m.required) continue;
        const st = materials.get(acc.caseId)?.get(m.name);
        if (st === undefined || (st.pages.size === 0 && !st.waived))
          add('material-missing', e.ref, m.name, m.name);
      }
      // MAT-INSTANT-4: an instant file's slip is its completion slip (业务回单).
      if (!(slipsByCase.get(acc.caseId) ?? []).includes(acc.instant === true ? 'completion' : 'acceptance'))
        add('case-without-slip', e.ref, acc.ticketNumber);
    }
    for (const s of e.slips)
      if (s.kind === 'acceptance' && (e.caseId === null || !acceptedAnywhere.has(e.caseId)))
        add('slip-without-case', e.ref, s.number, s.number);
    if (e.countDue) {
      if (e.counted === null) add('not-counted', e.ref, e.ticketNumber ?? e.ref);
      else if (e.pagesCaptured !== null && e.counted !== e.pagesCaptured)
        add('count-differs', e.ref, `${e.counted} ≠ ${e.pagesCaptured}`);
    }
  }
  for (const { ticketId } of finishedAccepted)
    if (!caseOfTicket.has(ticketId)) add('accepted-without-case', ticketId, ticketId);
  const declared = new Set(input.handedOut);
  for (const caseId of declared) if (!handedBack.has(caseId)) add('handout-unrecorded', caseId, caseId);
  for (const caseId of handedBack) if (!declared.has(caseId)) add('handback-undeclared', caseId, caseId);

  const refs = new Set<string>();
  for (const e of entries.values()) {
    refs.add(e.ref);
    if (e.caseId !== null) refs.add(e.caseId);
    if (e.ticketId !== '') refs.add(e.ticketId);
  }
  for (const { ticketId } of finishedAccepted) refs.add(ticketId);
  return {
    entries: [...entries.values()],
    discrepancies: discrepancies.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    refs: [...refs].sort(),
  };
}

/** Where a clerk's day stands: `open` (counting), `signed` by the clerk, `locked` once countersigned. */
export type ReconStatus = 'open' | 'signed' | 'locked';

/** An explanation of one discrepancy, given when signing. */
export interface ReconExplanation {
  key: string;
  kind: DiscrepancyKind;
  ref: string;
  /** The clerk's words (staff free text, sealed in the log). */
  note: string;
}

/** The `recon:*` facts (SPEC REC-3..5). No personal data; `note`s are staff free text. */
export type ReconFact =
  | ({ type: 'recon:counted'; clerkId: string; businessDay: LocalDate; by: string } & ReconCounts)
  | ({
      type: 'recon:signed';
      clerkId: string;
      businessDay: LocalDate;
      by: string;
      explanations: ReconExplanation[];
      /** The case and ticket ids the signed day is made of (REC-5). */
      refs: string[];
      entries: number;
    } & ReconCounts)
  | { type: 'recon:countersigned'; clerkId: string; businessDay: LocalDate; by: string; note: string | null }
  | {
      type: 'recon:reopened';
      clerkId: string;
      businessDay: LocalDate;
      /** The later fact that touched the day. */
      causeSeq: number;
      causeType: string;
      /** Whose fact it was (staff id, or `system`). */
      causeBy: string;
    };

export const RECON_FACT_TYPES = [
  'recon:counted',
  'recon:signed',
  'recon:countersigned',
  'recon:reopened',
] as const satisfies readonly ReconFact['type'][];

/** One clerk's day of 日结轧账: the fold of its `recon:*` facts. */
export interface ReconDay extends ReconCounts {
  clerkId: string;
  businessDay: LocalDate;
  status: ReconStatus;
  explanations: ReconExplanation[];
  refs: string[];
  signed: { by: string; at: number } | null;
  countersigned: { by: string; at: number; note: string | null } | null;
  /** Every time a later fact reopened it, visible to the clerk and the manager. */
  reopened: { at: number; seq: number; causeSeq: number; causeType: string; causeBy: string }[];
  updatedAt: number;
}

/** A clerk's day as the clerk (or the countersigning manager) sees it. */
export interface ReconView extends ReconResult {
  clerkId: string;
  clerk: { name: string; staffNumber: string } | null;
  businessDay: string;
  /** The stored day (status, counts, explanations, signatures, reopenings); null before any count. */
  day: ReconDay | null;
  status: ReconStatus;
  /** Name and staff number of each staff id the day names (signer, countersigner, reopenings' authors). */
  staff: Record<string, { name: string; staffNumber: string }>;
}

/** One line of the manager's list (REC-6). */
export interface ReconOverviewRow {
  clerkId: string;
  name: string;
  staffNumber: string;
  status: ReconStatus;
  entries: number;
  discrepancies: number;
  reopened: number;
}

/** Folds one committed `recon:*` fact into the clerk's day (REC-3..5). */
export function applyReconFact(
  day: ReconDay | undefined,
  ev: ReconFact & { seq: number; at: number },
): ReconDay {
  const d: ReconDay = day
    ? structuredClone(day)
    : {
        clerkId: ev.clerkId,
        businessDay: ev.businessDay,
        status: 'open',
        counts: {},
        handedOut: [],
        explanations: [],
        refs: [],
        signed: null,
        countersigned: null,
        reopened: [],
        updatedAt: ev.at,
      };
  d.updatedAt = ev.at;
  switch (ev.type) {
    case 'recon:counted':
      d.counts = { ...ev.counts };
      d.handedOut = [...ev.handedOut];
      break;
    case 'recon:signed':
      d.counts = { ...ev.counts };
      d.handedOut = [...ev.handedOut];
      d.explanations = ev.explanations.map((x) => ({ ...x }));
      d.refs = [...ev.refs];
      d.status = 'signed';
      d.signed = { by: ev.by, at: ev.at };
      d.countersigned = null;
      break;
    case 'recon:countersigned':
      d.status = 'locked';
      d.countersigned = { by: ev.by, at: ev.at, note: ev.note };
      break;
    case 'recon:reopened':
      d.status = 'open';
      d.signed = null;
      d.countersigned = null;
      d.reopened.push({
        at: ev.at,
        seq: ev.seq,
        causeSeq: ev.causeSeq,
        causeType: ev.causeType,
        causeBy: ev.causeBy,
      });
      break;
  }
  return d;
}

/** Whether a fact is one of 日结轧账. */
export function isReconFact<T extends { type: string }>(ev: T): ev is Extract<T, ReconFact> {
  return (RECON_FACT_TYPES as readonly string[]).includes(ev.type);
}

/** What a reopening's cause was, in words (the fact types that reopen a day, REC-5). */
export const REOPEN_CAUSE_LABELS: Record<string, { zh: string; en: string }> = {
  'slip:issued': { zh: '出具单据', en: 'A slip was issued' },
  'case:accepted': { zh: '受理案件', en: 'A case was accepted' },
  'case:supplemented': { zh: '补正材料', en: 'A supplement was taken' },
  'case:handed-back': { zh: '出件', en: 'A result was handed back' },
  'case:material-captured': { zh: '采集材料', en: 'A material was captured' },
  'case:material-waived': { zh: '材料免提交', en: 'A material was waived' },
  'case:material-removed': { zh: '移除材料页', en: 'A page was removed' },
  'ticket:finished': { zh: '号票办结', en: 'A ticket was finished' },
};

/** Facts that never reopen a day: windows opening and closing are read, not reconciled. */
const REOPENING_TYPES: ReadonlySet<string> = new Set(
  RECON_INPUT_TYPES.filter((t) => t !== 'window:opened' && t !== 'window:closed'),
);

/**
 * The signed or locked days a committed fact touches (SPEC REC-5): a fact of the reconciled kinds
 * on a case or ticket the day is made of, or by the clerk on that day after they signed.
 */
export function daysReopenedBy(
  days: readonly Pick<ReconDay, 'clerkId' | 'businessDay' | 'status' | 'refs'>[],
  ev: { type: string; at: number } & Record<string, unknown>,
  utcOffsetMinutes: number,
): { clerkId: string; businessDay: LocalDate }[] {
  if (!REOPENING_TYPES.has(ev.type)) return [];
  const ids = [ev.caseId, ev.ticketId].filter((x): x is string => typeof x === 'string');
  const evDay = reconDayOf(ev.at, utcOffsetMinutes);
  return days
    .filter(
      (d) =>
        d.status !== 'open' &&
        (ids.some((id) => d.refs.includes(id)) || (ev.by === d.clerkId && evDay === d.businessDay)),
    )
    .map((d) => ({ clerkId: d.clerkId, businessDay: d.businessDay }));
}

/**
 * The composition root (STYLE 12): builds every service and registers every subscriber of one
 * hall, once, over its store. Transports (REST, Socket.IO, the demo terminals, the crash test's
 * worker) receive what is built here and never construct a store or a service themselves, so
 * the hall behaves the same whichever transports are mounted.
 */
import type { Logger } from 'pino';
import type { CitizenPrincipal } from './auth/permissions.ts';
import { Shipper, type ShipperOptions } from './center/shipper.ts';
import { businessDayOf } from './domain/clock.ts';
import { aheadInLanes } from './domain/estimate.ts';
import type { RetryPolicy } from './domain/notices.ts';
import { DEFAULT_SETTINGS, onlineSettingsOf } from './domain/settings.ts';
import type { HallEvent } from './domain/types.ts';
import { ApplicationService } from './service/application.service.ts';
import { AppointmentService } from './service/appointment.service.ts';
import { ArchiveService } from './service/archive.service.ts';
import { AuditService } from './service/audit.service.ts';
import { AuthService } from './service/auth.service.ts';
import { BookingService } from './service/booking.service.ts';
import { WorkingCalendar } from './service/calendar.ts';
import { CaseService } from './service/case.service.ts';
import { CatalogService } from './service/catalog.ts';
import type { Citizen } from './service/citizen.ts';
import { CITIZEN_LIMITS, CitizenAuthService } from './service/citizen-auth.service.ts';
import { CitizenProgressService } from './service/citizen-progress.service.ts';
import { ComplaintService } from './service/complaint.service.ts';
import { dueDayCloses } from './service/day-close.ts';
import { DraftService } from './service/draft.service.ts';
import { FollowUpService } from './service/follow-up.ts';
import { FormRetentionService } from './service/form-retention.ts';
import { type Clock, HallService, systemClock } from './service/hall.service.ts';
import { HallViews } from './service/hall.views.ts';
import { CalendarOverrideService, NoticeService } from './service/hall-admin.ts';
import { holderRefs } from './service/holder.ts';
import { KioskService, qrBaseUrl } from './service/kiosk.service.ts';
import { MaterialService } from './service/material.service.ts';
import { NoticeOutbox, NoticeWorker } from './service/notice.service.ts';
import { OnlineQueueService } from './service/online-queue.service.ts';
import { OnlineRatingService } from './service/online-rating.service.ts';
import { PageSweepService } from './service/page-sweep.ts';
import { PrintQueue } from './service/print.service.ts';
import { ReconService } from './service/recon.service.ts';
import { RegionService } from './service/region.service.ts';
import { RiskService } from './service/risk.service.ts';
import { ScanService } from './service/scan.service.ts';
import { SlipService } from './service/slips.ts';
import type { SmsGateway } from './service/sms/gateway.ts';
import { StatsService } from './service/stats.service.ts';
import { SupervisionService } from './service/supervision.service.ts';
import type { HallStore } from './store/hall.store.ts';

/** The public and staff facts of one commit (HallViews.factsOf). */
export type CommitViews = ReturnType<HallViews['factsOf']>;

export interface HallDeps {
  store: HallStore;
  logger: Logger;
  clock?: Clock;
  /** The hall's public address for ticket QR codes (ONEWINDOW_PUBLIC_URL); else the kiosk's request origin. */
  publicUrl?: string | undefined;
  /** Without publicUrl: the LAN address that replaces a loopback origin in QR codes (main.ts finds it). */
  lanHost?: string | undefined;
  /** Days a kiosk form is kept after its ticket's day or its case closed (SEC-MIN-2; 30). */
  formRetentionDays?: number;
  /** The CJK font of every PDF (reports HYR-4, archive ARC-3; ONEWINDOW_CJK_FONT); default: found on the PC. */
  cjkFont?: string | undefined;
  /** The file system's clock, for the ages of files in the page store (MAT-SWEEP-1); default Date.now. */
  fileClock?: () => number;
  /** How long 扫描 waits for the window agent's answer (MAT-DEV-2; default 90 s). */
  scanTimeoutMs?: number;
  /**
   * Where SMS notices leave (NOTE-GW-1; ONEWINDOW_SMS): without it notices are still written in
   * their units (the outbox) and wait until a hall with a gateway sends them.
   */
  sms?: { gateway: SmsGateway; retry?: RetryPolicy; pollMs?: number } | undefined;
  /**
   * The regional center this hall replicates to (RGN-REP-*; ONEWINDOW_CENTER_URL and the hall's
   * credential): without it the hall keeps its log to itself.
   */
  center?: ShipperOptions | undefined;
}

/** Everything one hall's transports may call. */
export interface Hall {
  clock: Clock;
  logger: Logger;
  hall: HallService;
  views: HallViews;
  auth: AuthService;
  holderRef: (idNumber: string) => string;
  print: PrintQueue;
  appointments: AppointmentService;
  applications: ApplicationService;
  /** Online booking (MOB-BOOK-*). */
  bookings: BookingService;
  /** 网上填单 and the online pre-check (MOB-FORM-*, MOB-PRE-*). */
  drafts: DraftService;
  /**
   * What online booking and online forms need of a signed-in citizen who gave an ID number
   * (MOB-BOOK-*, MOB-FORM-*): the holder reference, the masked ID, the session's phone.
   */
  citizenOf(p: CitizenPrincipal & { holderRef: string }): Citizen;
  kiosk: KioskService;
  slips: SlipService;
  cases: CaseService;
  /** 日结轧账 per clerk (REC-*). */
  recon: ReconService;
  /** The archive (ARC-*). */
  archive: ArchiveService;
  /**
   * The archive's schedule (ARC-1, ARC-6): files the closed cases not yet filed, and runs the
   * fixity check when the last one is older than `fixityEveryMs`.
   */
  runArchive(fixityEveryMs: number): Promise<void>;
  /** The electronic case file: captured pages, waivers, the page viewer (MAT-*). */
  materials: MaterialService;
  /** The page store's sweep of orphans and unfinished writes (MAT-SWEEP-*). */
  pageSweep: PageSweepService;
  /** 扫描 at the console, forwarded to the window's terminal agent (MAT-DEV-2). */
  scans: ScanService;
  calendar: WorkingCalendar;
  catalog: CatalogService;
  followUps: FollowUpService;
  complaints: ComplaintService;
  /** The half-year report (§12.5) and the improvement summary (§13.4). */
  supervision: SupervisionService;
  stats: StatsService;
  audit: AuditService;
  /** Risk control (RISK-*): the list, the rules, the monitor in every unit, alerts. */
  risk: RiskService;
  /**
   * What each commit means to its audiences (boards, staff), computed once per commit in order;
   * transports attach themselves to send it on.
   */
  facts: { attach(fn: (events: readonly HallEvent[], views: CommitViews) => void): void };
  /** SMS notices to citizens (NOTE-*): the outbox written in units, the templates, the list. */
  notices: NoticeOutbox;
  /** Sends the outbox through the hall's gateway; null without one (the transport starts it). */
  noticeWorker: NoticeWorker | null;
  /** The citizen's phone sign-in: SMS codes, sessions, the ID binding (MOB-AUTH-*). */
  citizens: CitizenAuthService;
  /** The citizen's progress and the lookup by receipt number (MOB-PROG-*). */
  citizenProgress: CitizenProgressService;
  /** The hall's notice marquee on the boards. */
  notice: NoticeService;
  /** The same-day online ticket (MOB-Q-*). */
  onlineQueue: OnlineQueueService;
  /** Rating by link after the service (MOB-RATE-*). */
  onlineRatings: OnlineRatingService;
  /** The hall's corrections of the national calendar (CAL-2). */
  calendarOverrides: CalendarOverrideService;
  /** The region's documents applied here and the versions the hall runs (RGN-PUSH-*). */
  region: RegionService;
  /** Ships the fact log to the center and pulls its documents; null without a center (RGN-REP-1). */
  shipper: Shipper | null;
  /** The hall's local date now. */
  today(): string;
  /** Runs the day closes that are due now, then the risk tick and the form purge (the scheduler calls this; so can tests). */
  runDueDayCloses(): void;
  /** Purges the kiosk forms past their retention time now (SEC-MIN-2); how many went. */
  purgeForms(): number;
  /** Whether the database answers (health). */
  healthy(): boolean;
  close(): void;
}

/** Facts that may have written a notice: the worker is woken after their commit (NOTE-DLV-1). */
const NOTICE_FACTS: ReadonlySet<string> = new Set([
  'slip:issued',
  'case:supplement-requested',
  'case:ready',
  'booking:reminded',
  'draft:prechecked',
  'ticket:issued',
  'ticket:called',
  'ticket:cancelled',
  'ticket:transferred',
  'ticket:confirmed',
  'ticket:finished',
  'ticket:priority-overridden',
  'ticket:reinstated',
]);

export function composeHall(deps: HallDeps): Hall {
  const { store, logger: log } = deps;
  const clock = deps.clock ?? systemClock;
  const hall = new HallService(store, clock);
  const q = () => hall.queue;
  const offset = () => q().settings?.utcOffsetMinutes ?? DEFAULT_SETTINGS.utcOffsetMinutes;
  const today = () => businessDayOf(clock.now(), offset());
  // TOTP secrets are sealed with the hall's data key (kept outside the database, SEC-KEY-1).
  const auth = new AuthService(store.auth, clock, { box: store.codec.cipher });
  const holderRef = holderRefs(store.keys);
  const staffName = (id: string) => {
    const s = store.auth.staffById(id);
    return s === undefined ? undefined : { name: s.name, staffNumber: s.staffNumber };
  };
  const audit = new AuditService({ auth: store.auth, facts: store.auditedFacts, utcOffsetMinutes: offset });
  const catalog = new CatalogService({
    store: store.auth,
    categoryIds: () => q().hallConfig?.categories.map((c) => c.id),
    audit: (actor, action, target, detail) => audit.record(actor, action, target, detail, clock.now()),
  });
  const items = () => catalog.items();
  const calendar = new WorkingCalendar(store.calendarOverrides.lookup);
  const cases = new CaseService({ hall, cases: store.cases, catalog: items, staff: staffName });
  const recordAudit = audit.record.bind(audit);
  const notice = new NoticeService({
    meta: { get: (k) => store.meta(k), put: (k, v) => store.putMeta(k, v) },
    audit: recordAudit,
    transaction: (fn) => store.transaction(fn),
    clock,
  });
  const views = new HallViews({
    hall,
    notice: () => notice.get(),
    now: () => clock.now(),
    caseOf: (id) => cases.get(id),
    ticketFromStore: (id) => store.ticketById(id),
    arrivalsSince: (day) => store.reports.arrivalsSince(day),
  });
  const print = new PrintQueue({
    devices: store.devices,
    auth: store.auth,
    clock,
    queue: q,
    transaction: (fn) => store.transaction(fn),
  });
  const appointments = new AppointmentService({
    store: store.appointments,
    hall,
    holderRef,
    clock,
    itemCategories: () => new Map(items().map((i) => [i.code, i.categoryId])),
    ticketById: (id) => store.ticketById(id),
    audit: (actor, action, detail) => audit.record(actor, action, null, detail, clock.now()),
  });
  const retention = new FormRetentionService({
    hall,
    forms: store.applications,
    devices: store.devices,
    dropCommandResults: (before) => store.dropCommandResults(before),
    retentionDays: Math.max(1, deps.formRetentionDays ?? 30),
    today,
  });
  const bookings = new BookingService({
    hall,
    store: store.bookings,
    appointments: store.appointments,
    catalog: items,
    isWorkingDay: (d) => calendar.isWorkingDay(d),
    meta: { get: (k) => store.meta(k), put: (k, v) => store.putMeta(k, v) },
    clock,
  });
  const drafts = new DraftService({
    hall,
    store: store.bookings,
    applications: store.applications,
    reads: store.piiReads,
    catalog: items,
    holderRef,
    today,
    clock,
  });
  const applications = new ApplicationService({
    store: store.applications,
    reads: store.piiReads,
    catalog: items,
    queue: q,
    caseOf: (ticketId) => store.cases.byTicket(ticketId),
    clock,
    transaction: (fn) => store.transaction(fn),
    staff: staffName,
    takeUpOnline: (reader, code) => drafts.takeUp(reader, code, q()),
    precheckOf: (id) => drafts.precheckOf(id),
  });
  const onlineQueue = new OnlineQueueService({ hall, views, online: store.online, clock });
  const onlineRatings = new OnlineRatingService({
    hall,
    online: store.online,
    clock,
    ticketFromStore: (id) => store.ticketById(id),
    saveTicket: (t) => store.writeProjections({ tickets: [t], settled: null, windows: [], state: {} }),
    catalog: items,
    publicUrl: () => deps.publicUrl ?? '',
  });
  const kiosk = new KioskService({
    hall,
    views,
    online: onlineQueue,
    contacts: store.online,
    applications: store.applications,
    appointments,
    print,
    catalog: items,
    deviceName: (id) => store.auth.deviceById(id)?.name,
    holderRef,
    clock,
    publicUrl: deps.publicUrl,
    lanHost: deps.lanHost,
  });
  const slips = new SlipService({
    hall,
    ticketFromStore: (id) => store.ticketById(id),
    catalog: items,
    staff: staffName,
    calendar,
    slips: store.slips,
    cases: store.cases,
    print,
    meta: { get: (k) => store.meta(k), put: (k, v) => store.putMeta(k, v) },
    named: (c) => cases.named(c),
    clock,
    // MOB-PROG-3: the receipt's QR opens the phone app's lookup with the receipt number only.
    progressUrl: (receiptNo, origin) =>
      deps.publicUrl === undefined && origin === undefined
        ? undefined
        : `${qrBaseUrl(deps.publicUrl, origin ?? '', deps.lanHost)}/m/#/progress?receipt=${encodeURIComponent(receiptNo)}`,
    kioskForms: (ticketId, itemCode) =>
      store.applications
        .byTicket(ticketId)
        .filter((a) => a.itemCode === itemCode && !store.applications.isPurged(a))
        .map((a) => ({ title: a.formTitle, source: a.source ?? 'kiosk' })),
  });
  const followUps = new FollowUpService({
    store: store.followUps,
    hall,
    meta: { get: (k) => store.meta(k), put: (k, v) => store.putMeta(k, v) },
    ticketById: (id) => store.ticketById(id),
    staff: staffName,
    windowNumber: (id) => q().hallConfig?.windows.find((w) => w.id === id)?.number ?? null,
    utcOffsetMinutes: offset,
    addWorkingDays: (from, n) => calendar.addWorkingDays(from, n),
    now: () => clock.now(),
    transaction: (fn) => store.transaction(fn),
    audit: (actor, action, detail) => audit.record(actor, action, null, detail, clock.now()),
  });
  const complaints = new ComplaintService({
    hall,
    store: store.complaints,
    reads: store.piiReads,
    clock,
    config: () => q().hallConfig,
    catalog: items,
    staff: staffName,
    staffByNumber: (n) => {
      const s = store.auth.allStaff().find((x) => x.staffNumber === n);
      return s === undefined ? undefined : { id: s.id, name: s.name, staffNumber: s.staffNumber };
    },
    caseOf: (id) => store.cases.byId(id),
    ticketById: (id) => q().ticket(id) ?? store.ticketById(id),
    followUpOf: (id) => followUps.get(id),
    utcOffsetMinutes: offset,
    addWorkingDays: (from, n) => calendar.addWorkingDays(from, n),
  });
  const supervision = new SupervisionService({
    store,
    hall,
    clock,
    config: () => q().hallConfig,
    catalog: items,
    staff: staffName,
    utcOffsetMinutes: offset,
    cjkFont: deps.cjkFont,
  });
  const stats = new StatsService({
    store,
    reports: store.reports,
    auth: store.auth,
    followUps,
    appointments,
    config: () => q().hallConfig,
    utcOffsetMinutes: offset,
    clock,
  });

  // The risk monitor (RISK-EVAL-1): built from the log, then guards and reacts in every unit.
  const risk = new RiskService({
    hall,
    events: () => store.iterateEvents(),
    calendar,
    clock,
    utcOffsetMinutes: offset,
    staffIdByUsername: (u) => store.auth.staffByUsername(u)?.id,
    staffExists: (id) => store.auth.staffById(id) !== undefined,
    staffLabel: (id) => {
      const s = store.auth.staffById(id);
      return s === undefined ? undefined : `${s.name}（${s.staffNumber}）`;
    },
    audit: (actor, action, target, detail) => audit.record(actor, action, target, detail, clock.now()),
  });

  // In the unit of work (UOW-1): the audit of a configuration commits with its facts, and a bad
  // rating's follow-up record with its `follow-up:opened` fact (FUP-5). After the commit: logs.
  hall.project((events) => audit.onFacts(events));
  hall.react((events) => followUps.onFacts(events));
  hall.subscribe((events) => {
    for (const ev of events)
      if (ev.type === 'follow-up:opened')
        log.info({ ticketId: ev.ticketId, deadline: ev.deadline }, 'bad rating follow-up opened');
  });
  /** The contact phone on a case's acceptance slip (NOTE-TRG-*, MOB-PROG-*). */
  const slipPhoneOf = (c: { ticketId: string }) => {
    const slip = store.slips.byTicket(c.ticketId);
    return slip?.document.type === 'acceptance-receipt' ? slip.document.data.contactPhone : undefined;
  };
  // NOTE-OUT-1: a notice row commits with the fact that triggers it; the worker sends it after.
  const notices = new NoticeOutbox({
    store: store.notices,
    lookups: {
      caseOf: (id) => store.cases.byId(id),
      phoneOf: (id) => {
        const c = store.cases.byId(id);
        return c === undefined ? undefined : slipPhoneOf(c);
      },
      hallName: () => q().settings?.hallName ?? '',
      bookingOf: (code) => bookings.noticeOf(code),
      draftOf: (id) => drafts.noticeOf(id),
    },
    // NOTE-TRG-5..7: the queue's notices, to the ticket's contact phone (MOB-Q-1, KSK form).
    queueLookups: {
      ticket: (id) => q().ticket(id),
      phoneOf: (id) => store.online.contactOf(id),
      windowNumber: (id) => q().window(id)?.number,
      awaitingAheadNotice: () => store.online.awaitingAheadNotice(today()),
      aheadOf: (ids) => aheadInLanes(q(), ids),
      aheadNotice: () => onlineSettingsOf(q().settings).aheadNotice,
      ratingLinkFor: (id) => onlineRatings.mint(id),
      hallName: () => q().settings?.hallName ?? '',
    },
    transaction: (fn) => store.transaction(fn),
    audit: (actor, action, target, detail) => audit.record(actor, action, target, detail, clock.now()),
    clock,
  });
  hall.project((events) => {
    notices.onFacts(events);
  });
  const noticeWorker =
    deps.sms === undefined
      ? null
      : new NoticeWorker({
          store: store.notices,
          gateway: deps.sms.gateway,
          clock,
          log,
          transaction: (fn) => store.transaction(fn),
          ...(deps.sms.retry !== undefined ? { retry: deps.sms.retry } : {}),
          ...(deps.sms.pollMs !== undefined ? { pollMs: deps.sms.pollMs } : {}),
          // MOB-AUTH-2: a sign-in code is not sent after it expired.
          staleAfterMs: { otp: CITIZEN_LIMITS.codeTtlMs },
        });
  if (noticeWorker !== null)
    hall.subscribe((events) => {
      if (events.some((e) => NOTICE_FACTS.has(e.type))) noticeWorker.kick();
    });
  // MOB-AUTH-2: a sign-in code's notice commits with the code; the worker sends it at once.
  const citizens = new CitizenAuthService({
    store: store.citizens,
    notices: store.notices,
    keys: store.keys,
    holderRef,
    hallName: () => q().settings?.hallName ?? '',
    today,
    seniorAge: () => q().settings?.seniorAge ?? DEFAULT_SETTINGS.seniorAge,
    clock,
    transaction: (fn) => store.transaction(fn),
    onNotice: () => noticeWorker?.kick(),
  });
  const citizenProgress = new CitizenProgressService({
    hall,
    views,
    catalog: items,
    today,
    bookingsOf: (ref, from) => store.citizens.bookingsOfHolder(ref, from),
    casesOf: (ref) => store.citizens.casesOfHolder(ref, 50),
    caseById: (id) => store.cases.byId(id),
    slipPhoneOf,
    sessionPhone: (p) => citizens.phoneOf(p),
  });
  // RGN-REP-1, RGN-PUSH-2: the log leaves for the center, the region's documents come back.
  const region = new RegionService({ hall, store, catalog, risk });
  const shipper =
    deps.center === undefined
      ? null
      : new Shipper(deps.center, {
          events: (from, to) => store.events(from, to),
          lastSeq: () => store.lastSeq(),
          versions: () => region.versions(),
          applyDocuments: (docs) => {
            const r = region.applyAll(docs);
            if (r.applied + r.refused > 0) log.info(r, 'regional documents applied');
          },
          logger: log.child({ part: 'shipper' }),
        });
  if (shipper !== null) hall.subscribe(() => shipper.kick());
  // CASE-5: cases recorded before cases were facts are taken into the log once, as they stood.
  const recon = new ReconService({
    hall,
    recon: store.recon,
    catalog: items,
    staff: () => store.auth.allStaff(),
    utcOffsetMinutes: offset,
    today,
  });
  const archive = new ArchiveService({
    hall,
    archive: store.archive,
    cases: store.cases,
    slips: store.slips,
    blobs: store.blobs,
    reads: store.piiReads,
    catalog: items,
    scheme: () => q().settings?.archive,
    hallName: () => q().settings?.hallName ?? '',
    utcOffsetMinutes: offset,
    staff: staffName,
    clock,
    fontPath: deps.cjkFont,
  });
  // REC-5: a later fact on a signed day reopens it in the fact's own unit.
  hall.react((events) => recon.reopenings(events));
  const adopted = cases.adoptLegacy();
  if (adopted > 0) log.info({ cases: adopted }, 'cases from before cases were facts adopted into the log');
  // FUP-2: ratings committed before follow-ups were part of the unit get their records now.
  const caughtUp = followUps.catchUp(store.lastSeq());
  if (caughtUp > 0) log.info({ created: caughtUp }, 'bad rating follow-ups caught up from the log');

  // After every commit: the log line, and the public and staff views of its facts for whatever
  // transport is attached (HallViews must see every commit once, in order: it learns service times).
  const factSinks: ((events: readonly HallEvent[], views: CommitViews) => void)[] = [];
  // Facts are logged at debug level: the event log already holds each one, and a line per fact
  // through the scrubbing logger was a measurable share of every command (issue #19).
  hall.subscribe((events) => {
    if (log.isLevelEnabled('debug'))
      for (const ev of events) log.debug({ seq: ev.seq, type: ev.type }, 'fact');
    const v = views.factsOf(events);
    for (const fn of factSinks) fn(events, v);
  });

  const materials = new MaterialService({
    hall,
    cases: store.cases,
    blobs: store.blobs,
    reads: store.piiReads,
    queue: q,
    purposeOf: (reader, ticketId) => applications.purposeOf(reader, ticketId),
    named: (c) => cases.named(c),
    staffRoles: (id) => store.auth.staffById(id)?.roles,
    filed: (caseId) => store.archive.ofCase(caseId).length > 0,
    clock,
    transaction: (fn) => store.transaction(fn),
  });

  const pageSweep = new PageSweepService({
    hall,
    blobs: store.blobs,
    cases: store.cases,
    archive: store.archive,
    fileClock: deps.fileClock ?? (() => Date.now()),
  });
  const scans = new ScanService({
    agentsOf: (windowId) =>
      store.auth
        .allDevices()
        .filter((d) => d.kind === 'agent' && d.windowId === windowId && d.revokedAt === null),
    healthOf: (deviceId) => store.devices.allHealth().find((h) => h.deviceId === deviceId)?.health,
    windowOf: (staffId) => materials.windowOf(staffId),
    ...(deps.scanTimeoutMs !== undefined ? { timeoutMs: deps.scanTimeoutMs } : {}),
  });

  const calendarOverrides = new CalendarOverrideService({
    store: store.calendarOverrides,
    audit: recordAudit,
    transaction: (fn) => store.transaction(fn),
    clock,
  });

  return {
    clock,
    logger: log,
    hall,
    views,
    auth,
    holderRef,
    print,
    appointments,
    applications,
    bookings,
    drafts,
    citizenOf: (p) => ({
      holderRef: p.holderRef,
      holderMasked: p.idMasked ?? '',
      // Senior on the day the ID number was bound (the session keeps no birth date, SEC-MIN-1); a
      // check-in by card decides again from the number.
      senior: p.holder?.senior ?? false,
      phone: citizens.phoneOf(p) ?? '',
    }),
    kiosk,
    slips,
    cases,
    materials,
    pageSweep,
    scans,
    calendar,
    catalog,
    followUps,
    complaints,
    supervision,
    stats,
    audit,
    recon,
    risk,
    archive,
    async runArchive(fixityEveryMs) {
      const filed = await archive.fileDue();
      if (filed > 0) log.info({ filed }, 'closed cases filed into the archive');
      const last = archive.fixityStatus().at;
      if (last === null || clock.now() - last >= fixityEveryMs) {
        const r = await archive.fixity('system');
        if (r.failed > 0)
          log.error({ failed: r.failed, pages: r.pages, files: r.files }, 'fixity check failed');
        else log.info({ pages: r.pages, files: r.files, ms: r.ms }, 'fixity check passed');
      }
    },
    notice,
    notices,
    noticeWorker,
    onlineQueue,
    onlineRatings,
    citizens,
    citizenProgress,
    facts: { attach: (fn) => factSinks.push(fn) },
    calendarOverrides,
    region,
    shipper,
    today,
    runDueDayCloses() {
      for (const cmd of dueDayCloses(hall.queue, clock.now())) {
        const r = hall.execute(cmd, { idempotencyKey: `system:day-close:${cmd.businessDay}` });
        if (r.ok) log.info({ businessDay: cmd.businessDay }, 'day closed');
        else log.warn({ businessDay: cmd.businessDay, code: r.error.code }, 'day close refused');
      }
      const risen = risk.runTick();
      if (risen > 0) log.info({ facts: risen }, 'risk tick: alerts raised or escalated');
      const lapsed = onlineQueue.lapseDue();
      if (lapsed > 0) log.info({ tickets: lapsed }, 'online tickets lapsed unconfirmed');
      const booked = bookings.tick();
      if (booked.noShows + booked.reminders > 0)
        log.info(booked, 'online bookings: no-shows and reminders recorded');
      const purged = retention.purgeDue();
      if (purged > 0) log.info({ forms: purged }, 'kiosk forms purged after their retention time');
    },
    purgeForms: () => retention.purgeDue(),
    healthy: () => store.ping(),
    close: () => store.close(),
  };
}

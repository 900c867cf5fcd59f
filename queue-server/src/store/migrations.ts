/**
 * Numbered schema migrations, applied in order and tracked by SQLite's `user_version`.
 * Never edit a migration that has shipped: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the append-only fact log, idempotency records and the projections recovery loads.
  `
  CREATE TABLE events (
    seq   INTEGER PRIMARY KEY,
    at    INTEGER NOT NULL,
    type  TEXT    NOT NULL,
    body  TEXT    NOT NULL
  ) STRICT;

  CREATE TABLE commands (
    idempotency_key TEXT PRIMARY KEY,
    type            TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    first_seq       INTEGER NOT NULL,
    last_seq        INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE tickets (
    id             TEXT PRIMARY KEY,
    business_day   TEXT    NOT NULL,
    category_id    TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    number         TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    priority_class TEXT    NOT NULL,
    window_id      TEXT,
    arrived_at     INTEGER NOT NULL,
    called_at      INTEGER,
    serving_at     INTEGER,
    finished_at    INTEGER,
    body           TEXT    NOT NULL
  ) STRICT;
  CREATE INDEX tickets_by_day_status ON tickets (business_day, status);

  CREATE TABLE windows (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
  ) STRICT;

  -- Small singletons: hall config, last seq, counters, streak, last closed day.
  CREATE TABLE hall_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
  // 2: staff, sessions, devices and pairing codes, the service catalog, the admin audit trail.
  `
  CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    staff_number  TEXT NOT NULL,
    roles         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
  ) STRICT;

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    window_id    TEXT,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_seen_at INTEGER
  ) STRICT;

  CREATE TABLE pairing_codes (
    code_hash  TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    window_id  TEXT,
    created_by TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
  ) STRICT;

  CREATE TABLE service_items (
    code TEXT PRIMARY KEY,
    body TEXT NOT NULL
  ) STRICT;

  CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL
  ) STRICT;
  `,
  // 3: appointments (预约) imported from the booking system. The ID number is kept only as a
  // keyed hash (holder_ref) and its masked form, never in full (SPEC Q-PRI-3, APT-1).
  `
  CREATE TABLE appointments (
    id            TEXT PRIMARY KEY,
    business_day  TEXT    NOT NULL,
    booking_code  TEXT    NOT NULL UNIQUE,
    holder_ref    TEXT    NOT NULL,
    holder_masked TEXT    NOT NULL,
    item_code     TEXT    NOT NULL,
    category_id   TEXT    NOT NULL,
    slot_start    INTEGER NOT NULL,
    slot_end      INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('booked', 'checked-in', 'missed', 'cancelled')),
    late          INTEGER NOT NULL DEFAULT 0,
    ticket_id     TEXT,
    checked_in_at INTEGER,
    imported_at   INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX appointments_by_day_holder ON appointments (business_day, holder_ref);
  `,
  // 4: print jobs for terminal agents (acknowledged, printed at most once) and device health.
  `
  CREATE TABLE print_jobs (
    id         TEXT PRIMARY KEY,
    device_id  TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'printed', 'failed')),
    reason     TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX print_jobs_open ON print_jobs (device_id, status);

  CREATE TABLE device_health (
    device_id TEXT PRIMARY KEY,
    body      TEXT    NOT NULL,
    at        INTEGER NOT NULL
  ) STRICT;
  `,
  // 5: staff photos for the window display (服务形象): small JPEG/PNG, served publicly.
  `
  CREATE TABLE staff_photos (
    staff_id   TEXT PRIMARY KEY REFERENCES staff (id),
    mime       TEXT    NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
    data       BLOB    NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 6: kiosk forms (§9.3.1): a draft application linked to the ticket it was taken with.
  `
  CREATE TABLE applications (
    id         TEXT PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    ticket_id  TEXT    NOT NULL,
    item_code  TEXT    NOT NULL,
    device_id  TEXT,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX applications_by_ticket ON applications (ticket_id);
  `,
  // 7: follow-up (回访) of every bad rating, with a rectification deadline in working days.
  `
  CREATE TABLE follow_ups (
    ticket_id  TEXT PRIMARY KEY,
    rated_at   INTEGER NOT NULL,
    deadline   TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 8: case records of time-limited business (限时受理) and the hall's own calendar corrections.
  `
  CREATE TABLE cases (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT    NOT NULL,
    item_code   TEXT,
    status      TEXT    NOT NULL,
    deadline    TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX cases_by_status ON cases (status, deadline);
  CREATE UNIQUE INDEX cases_by_ticket ON cases (ticket_id);

  CREATE TABLE calendar_overrides (
    date TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    note TEXT NOT NULL
  ) STRICT;
  `,
  // 9: a booking keeps the holder's birth date, so a check-in by booking code alone still
  // gives the ticket its (masked) holder and the senior rule (SPEC APT-8).
  `
  ALTER TABLE appointments ADD COLUMN birth_date TEXT;
  `,
  // 10: one unit of work per use case. A retried idempotency key answers with the use case's
  // whole first result (kiosk ticket + form + print job, finish + slip + case), kept beside its
  // seq range. Window slips get a table (the document is kept for 补打; the fact in the log
  // carries no personal data); one slip per ticket.
  `
  ALTER TABLE commands ADD COLUMN result TEXT;

  CREATE TABLE slips (
    number     TEXT PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('completion', 'acceptance', 'rejection', 'supplement')),
    ticket_id  TEXT    NOT NULL,
    case_id    TEXT,
    item_code  TEXT    NOT NULL,
    window_id  TEXT,
    issued_by  TEXT    NOT NULL,
    issued_at  INTEGER NOT NULL,
    document   TEXT    NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX slips_by_ticket ON slips (ticket_id);
  `,
  // 11: personal data at rest (SPEC SEC-*). No birth date beside a masked number: tickets and
  // bookings keep whether the holder counts as a senior on their business day instead (the
  // masked number plus the birth date left ~3 unknown digits). Pause reasons become codes from a
  // list (public boards show their label, never what a clerk typed). Print jobs keep their type
  // and ticket as columns so the sealed document need not be read to find them. The read trail
  // of personal data, and the purge of kiosk forms.
  `
  ALTER TABLE appointments ADD COLUMN senior INTEGER NOT NULL DEFAULT 0;
  UPDATE appointments SET senior = CASE
    WHEN birth_date IS NOT NULL AND birth_date <> '' AND date(birth_date, '+' || COALESCE(
      (SELECT json_extract(value, '$.settings.seniorAge') FROM hall_state WHERE key = 'config'), 60) || ' years')
      <= business_day THEN 1 ELSE 0 END;
  ALTER TABLE appointments DROP COLUMN birth_date;

  UPDATE events SET body = json_remove(json_set(body, '$.ticket.holder.senior', json(CASE
      WHEN json_extract(body, '$.ticket.holder.birthDate') <> '' AND date(json_extract(body, '$.ticket.holder.birthDate'),
        '+' || COALESCE((SELECT json_extract(value, '$.settings.seniorAge') FROM hall_state WHERE key = 'config'), 60)
        || ' years') <= json_extract(body, '$.ticket.businessDay') THEN 'true' ELSE 'false' END)),
      '$.ticket.holder.birthDate')
    WHERE type = 'ticket:issued' AND json_type(body, '$.ticket.holder.birthDate') IS NOT NULL;
  UPDATE tickets SET body = json_remove(json_set(body, '$.holder.senior', json(CASE
      WHEN json_extract(body, '$.holder.birthDate') <> '' AND date(json_extract(body, '$.holder.birthDate'),
        '+' || COALESCE((SELECT json_extract(value, '$.settings.seniorAge') FROM hall_state WHERE key = 'config'), 60)
        || ' years') <= business_day THEN 'true' ELSE 'false' END)),
      '$.holder.birthDate')
    WHERE json_type(body, '$.holder.birthDate') IS NOT NULL;

  UPDATE events SET body = json_set(body, '$.reason', CASE json_extract(body, '$.reason')
      WHEN '午间休息' THEN 'lunch' WHEN '午休' THEN 'lunch' WHEN '临时离开' THEN 'away' WHEN '休息' THEN 'away'
      WHEN '业务培训/会议' THEN 'training' WHEN '系统故障' THEN 'system' WHEN '系统维护' THEN 'system'
      WHEN '补充耗材' THEN 'supplies' WHEN '交接班' THEN 'handover' ELSE 'other' END)
    WHERE type = 'window:paused'
      AND json_extract(body, '$.reason') NOT IN ('lunch', 'away', 'training', 'system', 'supplies', 'handover', 'other');
  UPDATE windows SET body = json_set(body, '$.pauseReason', CASE json_extract(body, '$.pauseReason')
      WHEN '午间休息' THEN 'lunch' WHEN '午休' THEN 'lunch' WHEN '临时离开' THEN 'away' WHEN '休息' THEN 'away'
      WHEN '业务培训/会议' THEN 'training' WHEN '系统故障' THEN 'system' WHEN '系统维护' THEN 'system'
      WHEN '补充耗材' THEN 'supplies' WHEN '交接班' THEN 'handover' ELSE 'other' END)
    WHERE json_type(body, '$.pauseReason') = 'text'
      AND json_extract(body, '$.pauseReason') NOT IN ('lunch', 'away', 'training', 'system', 'supplies', 'handover', 'other');

  ALTER TABLE print_jobs ADD COLUMN doc_type TEXT;
  ALTER TABLE print_jobs ADD COLUMN ticket_id TEXT;
  UPDATE print_jobs SET doc_type = json_extract(body, '$.document.type'),
    ticket_id = json_extract(body, '$.document.data.ticketId') WHERE body NOT LIKE 'sm4:v%';
  CREATE INDEX print_jobs_by_ticket ON print_jobs (device_id, ticket_id);

  CREATE TABLE pii_reads (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    staff_id   TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    subject_id TEXT    NOT NULL,
    ticket_id  TEXT,
    purpose    TEXT    NOT NULL
  ) STRICT;
  CREATE INDEX pii_reads_by_at ON pii_reads (at);
  CREATE INDEX pii_reads_by_staff ON pii_reads (staff_id, at);

  ALTER TABLE applications ADD COLUMN purged_at INTEGER;
  `,
  // 12: accounts (SPEC SEC-ACC-*): a forced password change after a reset, the TOTP second
  // factor (its secret sealed, the last time step used against replays), a session's last use
  // for the idle timeout, and grants of manager or admin waiting for a second admin's approval.
  `
  ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE staff ADD COLUMN totp_secret TEXT;
  ALTER TABLE staff ADD COLUMN totp_enabled_at INTEGER;
  ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;
  ALTER TABLE sessions ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
  UPDATE sessions SET last_used_at = created_at;
  CREATE INDEX sessions_by_staff ON sessions (staff_id);

  CREATE TABLE role_grants (
    id          TEXT PRIMARY KEY,
    staff_id    TEXT    NOT NULL REFERENCES staff (id),
    roles       TEXT    NOT NULL,
    proposed_by TEXT    NOT NULL,
    proposed_at INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
    decided_by  TEXT,
    decided_at  INTEGER
  ) STRICT;
  CREATE INDEX role_grants_by_status ON role_grants (status, proposed_at);
  `,
  // 13: the electronic case file (SPEC MAT-*): every page a case:material-captured fact linked,
  // folded from the facts in their unit. The page itself is a file of the page store
  // (blobs/sha256/..); a file no row names is an orphan and is never counted as present.
  `
  CREATE TABLE case_pages (
    sha256      TEXT    NOT NULL CHECK (length(sha256) = 64),
    case_id     TEXT    NOT NULL,
    material    TEXT    NOT NULL,
    mime        TEXT    NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'application/pdf')),
    bytes       INTEGER NOT NULL,
    width       INTEGER,
    height      INTEGER,
    source      TEXT    NOT NULL,
    captured_by TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    removed_seq INTEGER,
    PRIMARY KEY (sha256, case_id, material)
  ) STRICT;
  CREATE INDEX case_pages_by_case ON case_pages (case_id, seq);
  `,
  // 14: 日结轧账 (SPEC REC-*): each clerk's day as the fold of its recon:* facts, the case and
  // ticket ids a signed day is made of (a later fact on one reopens it), and an index to read a
  // day's facts by type and time. The archive (SPEC ARC-*): every filed version of a case's
  // PDF, the fold of the archive:filed facts (rows are only ever added: nothing is rewritten).
  `
  CREATE TABLE recon_days (
    clerk_id     TEXT    NOT NULL,
    business_day TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'signed', 'locked')),
    body         TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (clerk_id, business_day)
  ) STRICT;
  CREATE INDEX recon_days_by_day ON recon_days (business_day, status);
  CREATE TABLE recon_refs (
    ref          TEXT NOT NULL,
    clerk_id     TEXT NOT NULL,
    business_day TEXT NOT NULL,
    PRIMARY KEY (ref, clerk_id, business_day)
  ) STRICT;
  CREATE INDEX events_by_type_at ON events (type, at);

  CREATE TABLE archive_files (
    archive_no TEXT    NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    volume     TEXT    NOT NULL,
    case_id    TEXT    NOT NULL,
    pdf_sha256 TEXT    NOT NULL CHECK (length(pdf_sha256) = 64),
    filed_at   INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    PRIMARY KEY (archive_no, version)
  ) STRICT;
  CREATE INDEX archive_files_by_case ON archive_files (case_id, version);
  CREATE INDEX archive_files_by_volume ON archive_files (volume, archive_no, version);
  `,
  // 15: complaints (SPEC CMP-*): the projection of the complaint facts, and beside it the sealed
  // contact and words of each complainant (CMP-4), written in the unit of the registering fact.
  `
  CREATE TABLE complaints (
    id            TEXT PRIMARY KEY,
    status        TEXT    NOT NULL,
    deadline      TEXT    NOT NULL,
    handler_id    TEXT,
    work_order_no TEXT UNIQUE,
    received_at   INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX complaints_by_status ON complaints (status, deadline);
  CREATE TABLE complaint_contacts (
    complaint_id TEXT PRIMARY KEY REFERENCES complaints (id),
    body         TEXT NOT NULL
  ) STRICT;
  `,
  // 16: SMS notices (SPEC NOTE-*): the outbox, a row written in the unit of the fact that
  // triggers it (keyed by a deterministic id, the phone sealed), and the hall's registered
  // templates (template id → text with {placeholders} and the operator's template code).
  `
  CREATE TABLE notices (
    id              TEXT PRIMARY KEY,
    template_id     TEXT    NOT NULL,
    case_id         TEXT,
    fact_seq        INTEGER NOT NULL,
    phone           TEXT    NOT NULL,
    phone_masked    TEXT    NOT NULL,
    params          TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    message_id      TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX notices_due ON notices (status, next_attempt_at);
  CREATE TABLE notice_templates (
    id            TEXT PRIMARY KEY,
    text          TEXT    NOT NULL,
    operator_code TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL
  ) STRICT;
  INSERT INTO notice_templates (id, text, operator_code, updated_at) VALUES
    ('case-accepted', '您申请的{itemName}已受理，受理编号{receiptNo}，承诺办结日期{deadline}。可凭受理编号到{hallName}查询办理进度。', 'SMS_DEMO_0001', 0),
    ('case-supplement', '您申请的{itemName}（受理编号{receiptNo}）需一次性补正以下材料：{materials}。请携带材料到{hallName}办理。', 'SMS_DEMO_0002', 0),
    ('case-ready', '您申请的{itemName}（受理编号{receiptNo}）已办结，请携带本人身份证件到{hallName}领取。', 'SMS_DEMO_0003', 0);
  `,
  // 17: the citizen's phone (SPEC MOB-AUTH-*): one-time SMS codes (only a keyed hash of each
  // code; one active code per phone, keyed by a keyed HMAC of the number, never the number),
  // the sends and failures the per-phone limits count, and citizen sessions (only the SHA-256 of
  // each token; the phone sealed whole for the session's own notices, masked beside it; the
  // holder reference once the citizen gave an ID number). An OTP notice's code travels sealed
  // (sealed_params) and is erased once the gateway answered.
  `
  ALTER TABLE notices ADD COLUMN sealed_params TEXT;
  CREATE TABLE citizen_otps (
    phone_ref  TEXT PRIMARY KEY,
    code_hash  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0)
  ) STRICT;
  CREATE TABLE citizen_otp_sends (
    phone_ref TEXT    NOT NULL,
    at        INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX citizen_otp_sends_by_phone ON citizen_otp_sends (phone_ref, at);
  CREATE TABLE citizen_phone_failures (
    phone_ref    TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    failures     INTEGER NOT NULL CHECK (failures >= 0),
    locked_until INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE TABLE citizen_sessions (
    token_hash    TEXT PRIMARY KEY,
    id            TEXT    NOT NULL UNIQUE,
    phone_ref     TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    phone_masked  TEXT    NOT NULL,
    holder_ref    TEXT,
    id_masked     TEXT,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ended_at      INTEGER
  ) STRICT;
  CREATE INDEX citizen_sessions_by_phone ON citizen_sessions (phone_ref);
  INSERT INTO notice_templates (id, text, operator_code, updated_at) VALUES
    ('otp', '您的验证码是{code}，{minutes}分钟内有效。请勿告诉他人。【{hallName}】', 'SMS_DEMO_0004', 0);
  `,
  // 18: the citizen's phone (SPEC MOB-AUTH-7): whether the holder a session is bound to is a
  // senior on the day of the binding, and that day (never the birth date: SEC-MIN-1), so a
  // same-day online ticket gets the priority class the kiosk would give.
  `
  ALTER TABLE citizen_sessions ADD COLUMN senior INTEGER;
  ALTER TABLE citizen_sessions ADD COLUMN bound_on TEXT;
  `,
  // 19: online booking and online forms (SPEC MOB-*): a booking made on the phone is a row of the
  // same appointments table (so the kiosk checks it in as it does an imported one) with its source,
  // the half-hour line it took capacity from, the citizen's phone sealed for the reminder, and when
  // it was reminded; online forms wait in online_drafts (answers and phone sealed) until a window
  // takes them up into applications, whose rows now say where a form was filled.
  `
  ALTER TABLE appointments ADD COLUMN source TEXT NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'online'));
  ALTER TABLE appointments ADD COLUMN slot_key TEXT;
  ALTER TABLE appointments ADD COLUMN contact TEXT;
  ALTER TABLE appointments ADD COLUMN reminded_at INTEGER;
  CREATE INDEX appointments_by_slot ON appointments (business_day, slot_key, slot_start);
  CREATE INDEX appointments_online_open ON appointments (source, status, slot_start);
  CREATE INDEX appointments_by_holder ON appointments (holder_ref, business_day);

  CREATE TABLE online_drafts (
    id             TEXT PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE,
    holder_ref     TEXT    NOT NULL,
    item_code      TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    precheck       TEXT    NOT NULL CHECK (precheck IN ('none', 'pending', 'passed', 'returned')),
    reasons        TEXT    NOT NULL DEFAULT '',
    decided_by     TEXT,
    decided_at     INTEGER,
    ticket_id      TEXT,
    created_at     INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX online_drafts_by_holder ON online_drafts (holder_ref, created_at);
  CREATE INDEX online_drafts_by_precheck ON online_drafts (precheck, created_at);

  ALTER TABLE applications ADD COLUMN source TEXT NOT NULL DEFAULT 'kiosk' CHECK (source IN ('kiosk', 'online'));

  INSERT INTO notice_templates (id, text, operator_code, updated_at) VALUES
    ('booking-reminder', '您预约了{hallName}{slot}办理{itemName}，预约码{bookingCode}。请按时到大厅自助机刷身份证或输入预约码签到。', 'SMS_DEMO_0011', 0),
    ('precheck-result', '您在网上填报的{itemName}（表单码{draftCode}）{result}。详情请登录{hallName}网上服务查看。', 'SMS_DEMO_0012', 0);
  `,
  // 20: the citizen's phone, queue side (SPEC MOB-Q-*, NOTE-TRG-5..7, MOB-RATE-*): the phone a
  // ticket's notices go to (the signed-in citizen's for an online ticket, the kiosk form's
  // otherwise; sealed, bound to the ticket), the code the kiosk scans to confirm an online ticket,
  // the rating links (only the token's hash), and the three queue templates.
  `
  CREATE TABLE ticket_contacts (
    ticket_id    TEXT PRIMARY KEY,
    business_day TEXT    NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('online', 'form')),
    phone        TEXT    NOT NULL,
    phone_masked TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX ticket_contacts_day ON ticket_contacts (business_day);
  CREATE TABLE online_tickets (
    code       TEXT PRIMARY KEY,
    ticket_id  TEXT    NOT NULL UNIQUE,
    holder_ref TEXT    NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE rating_links (
    token_hash TEXT PRIMARY KEY,
    ticket_id  TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  ) STRICT;
  INSERT INTO notice_templates (id, text, operator_code, updated_at) VALUES
    ('queue-ahead', '您在{hallName}取的{number}号前面还有{ahead}人，请留意叫号；线上取号请先到取号机确认。', 'SMS_DEMO_0005', 0),
    ('queue-called', '请{number}号到{hallName}{windowNo}号窗口办理。', 'SMS_DEMO_0006', 0),
    ('rating-link', '感谢您在{hallName}办理业务（{number}号），请为本次服务评价：{link}', 'SMS_DEMO_0007', 0);
  `,
];

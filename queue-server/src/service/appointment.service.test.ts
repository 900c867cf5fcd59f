import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hallConfig, idBornOn, MIN, T0, WINDOWS } from '../domain/test-factory.ts';
import type { Command } from '../domain/types.ts';
import { HallStore } from '../store/hall.store.ts';
import { peekDb, TEST_KEYS } from '../store/testing.ts';
import {
  APPOINTMENT_EARLY_MINUTES,
  APPOINTMENT_LATE_MINUTES,
  AppointmentService,
  type BookingRowInput,
} from './appointment.service.ts';
import { HallService } from './hall.service.ts';
import { holderRefs } from './holder.ts';

const ID1 = idBornOn('19800101', '011'); // 46 on the day: not a senior
const ID2 = idBornOn('19900505', '022');
const ID_SENIOR = idBornOn('19500101', '033');
/** 2026-11-26 10:00–10:30 Beijing: check-in opens 09:30, closes 10:45. */
const SLOT = { slotStart: '2026-11-26T10:00:00+08:00', slotEnd: '2026-11-26T10:30:00+08:00' };
const SLOT_START = Date.parse(SLOT.slotStart);
const SLOT_END = Date.parse(SLOT.slotEnd);

let dir: string;
let path: string;
let store: HallStore;
let hall: HallService;
let holderRef: (idNumber: string) => string;
let appts: AppointmentService;
const clock = {
  t: T0,
  now() {
    return this.t;
  },
};

/** A second connection to the same file: the store keeps its own handle to itself. */
const peek = <T>(fn: (db: Database.Database) => T): T => peekDb(path, fn);

function open(): void {
  store = new HallStore(path, TEST_KEYS);
  hall = new HallService(store, clock);
  holderRef = holderRefs(TEST_KEYS);
  appts = new AppointmentService({
    store: store.appointments,
    hall,
    holderRef,
    clock,
    itemCategories: () => new Map([['512B0067900008', 'A']]),
    ticketById: (id) => store.ticketById(id),
  });
}

function must(cmd: Command) {
  const r = hall.execute(cmd);
  if (!r.ok) throw new Error(`${cmd.type}: ${r.error.code} ${r.error.message}`);
  return r;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-appt-'));
  path = join(dir, 'hall.db');
  clock.t = T0 - 60 * MIN; // 08:00, before opening: bookings come in the morning
  open();
  must({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
  for (const w of WINDOWS) must({ type: 'window:open', windowId: w.id, clerkId: `c-${w.id}` });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (over: Partial<BookingRowInput> = {}): BookingRowInput => ({
  bookingCode: 'YY20261126001',
  idNumber: ID1,
  itemCode: '512B0067900008',
  ...SLOT,
  ...over,
});

function imported(rows: BookingRowInput[]) {
  const r = appts.importBookings(rows);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

describe('importing a day of bookings', () => {
  it('APT-1 keeps only a keyed hash and the masked number, never the ID number', () => {
    imported([row({ idNumber: ID1 }), row({ bookingCode: 'YY2', idNumber: ID2 })]);
    const rows = peek((db) => db.prepare('SELECT * FROM appointments').all());
    expect(JSON.stringify(rows)).not.toContain(ID1);
    expect(JSON.stringify(rows)).not.toContain(ID1.slice(6, 14)); // not even the birth date
    const a = appts.list('2026-11-26').find((x) => x.bookingCode === 'YY20261126001');
    expect(a).toMatchObject({
      holderMasked: `${ID1.slice(0, 3)}***********${ID1.slice(-4)}`,
      status: 'booked',
    });
    expect(store.appointments.byCode('YY20261126001')?.holderRef).toBe(holderRef(ID1));
    store.checkpoint();
    expect(readFileSync(path).includes(Buffer.from(ID1))).toBe(false);
  });

  it('APT-2 accepts ISO times with an offset and epoch ms, and files the slot under the local day', () => {
    const early = Date.parse('2026-11-27T00:30:00+08:00'); // still 26th in UTC
    const s = imported([
      row(),
      row({ bookingCode: 'YY2', idNumber: ID2, slotStart: early, slotEnd: early + 30 * MIN }),
    ]);
    expect(s).toEqual({
      created: 2,
      updated: 0,
      unchanged: 0,
      cancelled: 0,
      days: ['2026-11-26', '2026-11-27'],
    });
    expect(appts.list('2026-11-26').map((a) => [a.bookingCode, a.slotStart])).toEqual([
      ['YY20261126001', SLOT_START],
    ]);
    expect(appts.list('2026-11-27')[0]?.categoryId).toBe('A'); // from the catalog item
  });

  it('APT-2 refuses the whole import with every bad row, by row and field, and writes nothing', () => {
    const bad = `${ID2.slice(0, 17)}${ID2[17] === '0' ? '1' : '0'}`;
    const r = appts.importBookings([
      row(),
      row({ bookingCode: 'B1', idNumber: bad }),
      row({ bookingCode: 'B2', idNumber: ID2, slotStart: SLOT.slotEnd, slotEnd: SLOT.slotStart }),
      row({ bookingCode: 'B3', idNumber: ID_SENIOR, itemCode: 'NO-SUCH-ITEM' }),
      { ...row({ bookingCode: 'B4' }), slotStart: '10:00' } as BookingRowInput,
      row({ bookingCode: 'B5', idNumber: idBornOn('19700101', '055'), categoryId: 'Z' }),
      row({
        bookingCode: 'B6',
        idNumber: idBornOn('19700101', '066'),
        slotStart: '2026-11-25T10:00:00+08:00',
        slotEnd: '2026-11-25T10:30:00+08:00',
      }),
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.row, e.field])).toEqual([
      [1, 'idNumber'],
      [2, 'slotEnd'],
      [3, 'itemCode'],
      [4, 'slotStart'],
      [5, 'categoryId'],
      [6, 'slotStart'],
    ]);
    expect(JSON.stringify(r.errors)).not.toContain(bad);
    expect(appts.list('2026-11-26')).toEqual([]);
  });

  it('APT-2 re-importing the same codes updates them instead of duplicating', () => {
    imported([row(), row({ bookingCode: 'YY2', idNumber: ID2 })]);
    expect(imported([row(), row({ bookingCode: 'YY2', idNumber: ID2 })])).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 2,
    });
    const later = { slotStart: '2026-11-26T14:00:00+08:00', slotEnd: '2026-11-26T14:30:00+08:00' };
    expect(imported([row(later)])).toMatchObject({ created: 0, updated: 1 });
    expect(appts.list('2026-11-26').map((a) => [a.bookingCode, a.slotStart])).toEqual([
      ['YY2', SLOT_START],
      ['YY20261126001', Date.parse(later.slotStart)],
    ]);
    expect(imported([row({ ...later, cancelled: true })])).toMatchObject({ updated: 1, cancelled: 1 });
    expect(appts.list('2026-11-26').find((a) => a.bookingCode === 'YY20261126001')?.status).toBe('cancelled');
  });

  it('APT-3 one booking per person per day, within an import and against the stored ones', () => {
    const twice = appts.importBookings([row(), row({ bookingCode: 'YY2' })]);
    expect(!twice.ok && twice.errors.map((e) => [e.row, e.field])).toEqual([[1, 'idNumber']]);
    imported([row()]);
    const again = appts.importBookings([row({ bookingCode: 'YY3', ...SLOT })]);
    expect(!again.ok && again.errors[0]).toMatchObject({ row: 0, field: 'idNumber' });
    expect(again.ok || again.errors[0]?.message).toContain('YY20261126001');
    // Another day is fine; so is moving the booking: cancel the old code in the same import.
    const tomorrow = { slotStart: '2026-11-27T10:00:00+08:00', slotEnd: '2026-11-27T10:30:00+08:00' };
    expect(appts.importBookings([row({ bookingCode: 'YY4', ...tomorrow })]).ok).toBe(true);
    expect(appts.importBookings([row({ cancelled: true }), row({ bookingCode: 'YY5' })]).ok).toBe(true);
  });
});

describe('checking in', () => {
  beforeEach(() => {
    imported([row(), row({ bookingCode: 'YY2', idNumber: ID2 })]);
  });

  it('APT-4 on time: an appointment-class ticket through the hall log, the booking checked in', () => {
    clock.t = SLOT_START - 10 * MIN;
    const seq = hall.queue.lastSeq;
    const r = appts.checkIn({ idNumber: ID1 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.ticket).toMatchObject({
      number: 'A001',
      priorityClass: 'appointment',
      source: 'appointment',
      itemCode: '512B0067900008',
      holder: { ref: holderRef(ID1) },
      orderKey: clock.t - hallConfig().settings.bonusSeconds.appointment * 1000,
    });
    expect(r.data).toMatchObject({ replayed: false, late: false });
    expect(r.data.appointment).toMatchObject({
      status: 'checked-in',
      ticketId: r.data.ticket.id,
      checkedInAt: clock.t,
    });
    expect(hall.queue.lastSeq).toBe(seq + 1);
    expect(store.events(seq + 1)[0]).toMatchObject({ type: 'ticket:issued' });
  });

  it(`APT-4 too early: refused before ${APPOINTMENT_EARLY_MINUTES} minutes ahead, with the time to come back`, () => {
    clock.t = SLOT_START - APPOINTMENT_EARLY_MINUTES * MIN - 1;
    const seq = hall.queue.lastSeq;
    const r = appts.checkIn({ idNumber: ID1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('APPOINTMENT_TOO_EARLY');
    expect(r.error.messageZh).toContain('请于 09:30 后签到');
    expect(r.error.opensAt).toBe(SLOT_START - 30 * MIN);
    expect(hall.queue.lastSeq).toBe(seq);
    expect(appts.list('2026-11-26')[1]?.status).toBe('booked');
    clock.t += 1; // exactly at 09:30
    expect(appts.checkIn({ idNumber: ID1 }).ok).toBe(true);
  });

  it(`APT-5 late (more than ${APPOINTMENT_LATE_MINUTES} minutes after the slot): a regular ticket, booking marked late`, () => {
    clock.t = SLOT_END + APPOINTMENT_LATE_MINUTES * MIN; // the last on-time instant
    const onTime = appts.checkIn({ bookingCode: 'YY2' });
    expect(onTime.ok && onTime.data.ticket.priorityClass).toBe('appointment');
    clock.t += 1;
    const r = appts.checkIn({ idNumber: ID1 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.ticket.priorityClass).toBe('regular');
    expect(r.data.late).toBe(true);
    expect(r.data.appointment).toMatchObject({ status: 'checked-in', late: true });
  });

  it('APT-6 a second check-in (by ID or by code) returns the same ticket and issues nothing', () => {
    clock.t = SLOT_START;
    const first = appts.checkIn({ idNumber: ID1 });
    const seq = hall.queue.lastSeq;
    clock.t += 5 * MIN;
    const byId = appts.checkIn({ idNumber: ID1 });
    const byCode = appts.checkIn({ bookingCode: 'YY20261126001' });
    expect(first.ok && byId.ok && byCode.ok).toBe(true);
    if (!first.ok || !byId.ok || !byCode.ok) return;
    expect(byId.data.ticket.id).toBe(first.data.ticket.id);
    expect(byCode.data.ticket.id).toBe(first.data.ticket.id);
    expect(byId.data.replayed).toBe(true);
    expect(hall.queue.lastSeq).toBe(seq);
    expect(hall.queue.allTickets()).toHaveLength(1);
  });

  it('APT-6 a ticket committed before a crash (booking not yet marked) is found again, not issued twice', () => {
    clock.t = SLOT_START;
    const issued = hall.execute(
      {
        type: 'ticket:issue',
        categoryId: 'A',
        idNumber: ID1,
        priorityClass: 'appointment',
        source: 'appointment',
        by: 'system',
        reason: '预约 YY20261126001',
      },
      { idempotencyKey: 'appointment:YY20261126001' },
    );
    store.close();
    open(); // restart
    const r = appts.checkIn({ idNumber: ID1 });
    expect(r.ok && issued.ok).toBe(true);
    if (!r.ok || !issued.ok) return;
    expect(r.data.replayed).toBe(true);
    expect(r.data.ticket.id).toBe(issued.events[0]?.type === 'ticket:issued' && issued.events[0].ticket.id);
    expect(r.data.appointment.status).toBe('checked-in');
    expect(hall.queue.allTickets()).toHaveLength(1);
  });

  it('answers with a reason when there is nothing to check in', () => {
    clock.t = SLOT_START;
    const none = appts.checkIn({ idNumber: ID_SENIOR });
    expect(!none.ok && none.error).toMatchObject({
      code: 'NOT_FOUND',
      messageZh: expect.stringContaining('预约'),
    });
    const invalid = appts.checkIn({ idNumber: '110102198001010000' });
    expect(!invalid.ok && invalid.error.code).toBe('INVALID_ID_NUMBER');
    imported([row({ bookingCode: 'YY2', idNumber: ID2, cancelled: true })]);
    const cancelled = appts.checkIn({ bookingCode: 'YY2' });
    expect(!cancelled.ok && cancelled.error.code).toBe('CONFLICT');
    clock.t += 24 * 60 * MIN; // tomorrow: yesterday's booking is not today's
    const stale = appts.checkIn({ bookingCode: 'YY20261126001' });
    expect(!stale.ok && stale.error.code).toBe('NOT_FOUND');
    expect(hall.queue.allTickets()).toHaveLength(0);
  });

  it('APT-8 a check-in by booking code gives the ticket the booking’s holder, masked, with the senior rule', () => {
    clock.t = SLOT_START;
    const r = appts.checkIn({ bookingCode: 'YY2' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.ticket.holder).toEqual({
      masked: `${ID2.slice(0, 3)}***********${ID2.slice(-4)}`,
      senior: false,
      ref: holderRef(ID2),
    });
    imported([row({ bookingCode: 'YY9', idNumber: ID_SENIOR })]);
    clock.t = T0 + 9 * 60 * MIN; // long after the slot: late, so the class comes from age alone
    const senior = appts.checkIn({ bookingCode: 'YY9' });
    expect(senior.ok && [senior.data.late, senior.data.ticket.priorityClass]).toEqual([true, 'senior']);
  });

  it('APT-7 closing the day marks the bookings nobody checked in for as missed; the day takes no more', () => {
    clock.t = SLOT_START;
    expect(appts.checkIn({ idNumber: ID1 }).ok).toBe(true);
    clock.t = T0 + 10 * 60 * MIN; // 19:00
    must({ type: 'day:close', by: 'manager', reason: '日结' });
    expect(appts.list('2026-11-26').map((a) => [a.bookingCode, a.status])).toEqual([
      ['YY2', 'missed'],
      ['YY20261126001', 'checked-in'],
    ]);
    const late = appts.importBookings([row({ bookingCode: 'YY9', idNumber: ID_SENIOR })]);
    expect(!late.ok && late.errors[0]).toMatchObject({ field: 'slotStart' });
    const closed = appts.checkIn({ bookingCode: 'YY2' });
    expect(!closed.ok && closed.error.code).toBe('CONFLICT');
    const again = appts.importBookings([row({ bookingCode: 'YY2', idNumber: ID_SENIOR })]);
    expect(again.ok).toBe(false);
  });
});

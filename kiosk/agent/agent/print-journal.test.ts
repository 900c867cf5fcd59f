import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETENTION_MS,
  INTERRUPTED,
  JOURNAL_FILE,
  maxJobAgeMs,
  PrintJournal,
} from './print-journal.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'onewindow-journal-'));
const lines = (d: string) => readFileSync(join(d, JOURNAL_FILE), 'utf8').split('\n').filter(Boolean);

describe('print journal', () => {
  it('remembers printed and failed jobs across reopening, one line per step, fsynced, mode 0600', () => {
    const d = dir();
    let now = 1_000;
    const j = PrintJournal.open(d, { now: () => now });
    j.begin('pj-1');
    expect(j.outcome('pj-1')).toBe('printing');
    now += 5;
    j.finish({ jobId: 'pj-1', status: 'printed' });
    j.finish({ jobId: 'pj-2', status: 'failed', reason: '缺纸' });
    expect(lines(d)).toHaveLength(3);
    expect(() => j.begin('pj-1')).toThrow(/already/);
    expect(() => j.finish({ jobId: 'pj-1', status: 'failed', reason: 'x' })).toThrow(/already ended/);
    j.close();
    expect(statSync(join(d, JOURNAL_FILE)).mode & 0o777).toBe(0o600);

    const again = PrintJournal.open(d, { now: () => now });
    expect(again.outcome('pj-1')).toEqual({ jobId: 'pj-1', status: 'printed' });
    expect(again.outcome('pj-2')).toEqual({ jobId: 'pj-2', status: 'failed', reason: '缺纸' });
    expect(again.outcome('pj-3')).toBeUndefined();
    expect(again.interrupted).toEqual([]);
    expect(lines(d)).toHaveLength(2); // compacted: one line per job
    again.close();
  });

  it('a job left in "printing" by a crash becomes failed "interrupted", reported once, never printable again', () => {
    const d = dir();
    const j = PrintJournal.open(d, { now: () => 1 });
    j.begin('pj-crash');
    j.close(); // the process dies here

    const after = PrintJournal.open(d, { now: () => 2 });
    expect(after.interrupted).toEqual([{ jobId: 'pj-crash', status: 'failed', reason: INTERRUPTED }]);
    expect(after.outcome('pj-crash')).toEqual({ jobId: 'pj-crash', status: 'failed', reason: INTERRUPTED });
    expect(() => after.begin('pj-crash')).toThrow();
    after.close();
    const third = PrintJournal.open(d, { now: () => 3 });
    expect(third.interrupted).toEqual([]);
    expect(third.outcome('pj-crash')).toMatchObject({ status: 'failed', reason: INTERRUPTED });
    third.close();
  });

  it('skips a torn last line (power cut mid-append) and keeps the rest', () => {
    const d = dir();
    const j = PrintJournal.open(d, { now: () => 1 });
    j.finish({ jobId: 'pj-ok', status: 'printed' });
    j.close();
    appendFileSync(join(d, JOURNAL_FILE), '{"jobId":"pj-torn","sta');
    const again = PrintJournal.open(d, { now: () => 2 });
    expect(again.outcome('pj-ok')).toEqual({ jobId: 'pj-ok', status: 'printed' });
    expect(again.outcome('pj-torn')).toBeUndefined();
    again.begin('pj-next');
    again.close();
    expect(lines(d).map((l) => JSON.parse(l).jobId)).toEqual(['pj-ok', 'pj-next']);
  });

  it('stays bounded: jobs older than the retention are dropped, and such jobs are refused by age first', () => {
    const d = dir();
    let now = 0;
    const j = PrintJournal.open(d, { now: () => now, retentionMs: DEFAULT_RETENTION_MS });
    for (let i = 0; i < 100; i++) j.finish({ jobId: `old-${i}`, status: 'printed' });
    now = DEFAULT_RETENTION_MS - 1000;
    j.finish({ jobId: 'recent', status: 'printed' });
    now = DEFAULT_RETENTION_MS + 1;
    j.compact();
    expect(j.size).toBe(1);
    expect(lines(d)).toHaveLength(1);
    expect(j.outcome('old-0')).toBeUndefined();
    j.close();
    // A dropped job is older than the maximum job age the agent accepts, with a day to spare.
    expect(maxJobAgeMs(DEFAULT_RETENTION_MS)).toBeLessThanOrEqual(DEFAULT_RETENTION_MS - 24 * 3600_000);
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HallEvent } from '@onewindow/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { replayRisk } from '../../queue-server/src/domain/risk.ts';
import { WorkingCalendar } from '../../queue-server/src/service/calendar.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./risk-worker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'onewindow-risk-crash-'));
const dbPath = join(dir, 'hall.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the worker until it has acknowledged `acks` more cancels, then SIGKILLs it mid-stream. */
function runAndKill(acks: number, extraMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dbPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = 0;
    let killed = false;
    let err = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      seen += (d.toString().match(/^ack /gm) ?? []).length;
      if (!killed && seen >= acks) {
        killed = true;
        // Let it run a few more ms so the kill lands inside some unit, not between two.
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL' || !killed) reject(new Error(`worker ended by itself (${signal}): ${err}`));
      else resolve(seen);
    });
  });
}

describe('kill -9 between a fact and its alert (RISK-EVAL-5)', () => {
  it('every committed cancel has its alert after any number of SIGKILLs, and a replay agrees', async () => {
    for (const [acks, ms] of [
      [20, 3],
      [15, 0],
      [25, 7],
      [10, 1],
    ] as const)
      await runAndKill(acks, ms);
    const store = new HallStore(dbPath, TEST_KEYS);
    try {
      const log = store.events();
      const cancels = log.filter((e) => e.type === 'ticket:cancelled');
      const alerts = new Map(
        log
          .filter(
            (e): e is Extract<HallEvent, { type: 'risk:alert-raised' }> => e.type === 'risk:alert-raised',
          )
          .map((a) => [a.alertId, a]),
      );
      expect(cancels.length).toBeGreaterThanOrEqual(70);
      // Each cancel's alert is the fact right after it: same unit, so never one without the other.
      for (const c of cancels) {
        const a = alerts.get(`A${c.seq}-R-STAFF`);
        expect(a, `alert of the cancel at seq ${c.seq}`).toBeDefined();
        expect((a as HallEvent | undefined)?.seq).toBe(c.seq + 1);
      }
      expect(alerts.size).toBe(cancels.length);
      const replay = replayRisk(store.iterateEvents(), {
        addWorkingDays: (d, n) => new WorkingCalendar().addWorkingDays(d, n),
        isWorkingDay: (d) => new WorkingCalendar().isWorkingDay(d),
      });
      expect(replay.raised.map((a) => a.alertId).sort()).toEqual([...alerts.keys()].sort());
    } finally {
      store.close();
    }
  }, 120_000);
});

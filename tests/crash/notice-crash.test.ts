/**
 * kill -9 of the server while a notice is between its submit_sm and the recorded answer (SPEC
 * NOTE-DLV-3): the operator (a real SMPP server) holds back the answer to chosen submits and the
 * test SIGKILLs the worker process right then. What the SPEC promises is checked exactly: every
 * notice arrives; the only duplicates are the notices in flight at a kill, one each; a notice
 * recorded `sent` never goes again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SmppOperator } from '../../queue-server/src/service/sms/testing.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./notice-worker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'onewindow-notice-crash-'));
const dbPath = join(dir, 'hall.db');
const COUNT = 12;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the worker; when the operator receives its `killAt`-th submit (counted over the whole
 * test) it leaves it unanswered and SIGKILLs the worker. Without `killAt`, resolves once every
 * notice arrived, then kills the worker.
 */
function run(op: SmppOperator, killAt: number | null): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER, dbPath, String(op.port), String(COUNT)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    let inFlight: string | null = null;
    let done = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    op.onSubmit = (pdu, n) => {
      if (killAt !== null && n === killAt) {
        inFlight = String(pdu.destination_addr);
        child.kill('SIGKILL');
        return false;
      }
      return true;
    };
    const poll = setInterval(() => {
      if (killAt === null && new Set(op.received.map((m) => m.to)).size === COUNT && !done) {
        done = true;
        // Long enough for the last answer's `sent` to commit (the worker answers in ms).
        setTimeout(() => child.kill('SIGKILL'), 500);
      }
    }, 50);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      clearInterval(poll);
      op.onSubmit = () => true;
      if (signal !== 'SIGKILL') reject(new Error(`worker ended by itself (${signal}): ${err}`));
      else resolve(inFlight);
    });
  });
}

describe('kill -9 between submit_sm and its recorded answer (NOTE-DLV-3)', () => {
  it('NOTE-DLV-3 NOTE-DLV-2: every notice arrives; only the one in flight at each kill arrives twice', async () => {
    const op = new SmppOperator();
    await op.start();
    try {
      const lost: string[] = [];
      for (const at of [3, 6, 10]) {
        const phone = await run(op, at);
        expect(phone, `the worker reached submit ${at}`).not.toBeNull();
        lost.push(phone!);
      }
      await run(op, null);

      const received = op.received.map((m) => m.to);
      // Each of the COUNT notices arrived; the unanswered submits were not received as answered ones.
      expect(new Set(received).size).toBe(COUNT);
      const counts = new Map<string, number>();
      for (const p of [...received, ...lost]) counts.set(p, (counts.get(p) ?? 0) + 1);
      for (const [p, c] of counts) expect(c, p).toBe(lost.includes(p) ? 2 : 1);
      expect(op.submits).toBe(COUNT + lost.length);

      const store = new HallStore(dbPath, TEST_KEYS);
      try {
        const rows = store.notices.list(undefined, 100);
        expect(rows).toHaveLength(COUNT);
        expect(rows.every((r) => r.status === 'sent')).toBe(true);
        for (const r of rows)
          expect(r.attempts, r.id).toBe(lost.includes(store.notices.byId(r.id)!.phone) ? 2 : 1);
      } finally {
        store.close();
      }
    } finally {
      await op.stop();
    }
  }, 300_000);
});

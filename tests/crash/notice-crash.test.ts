/**
 * kill -9 of the server while a notice is between its submit_sm and the recorded answer (SPEC
 * NOTE-DLV-3): the operator (a real SMPP server) holds back the answer to chosen submits and the
 * test SIGKILLs the worker process right then; once, the operator itself restarts with a submit
 * unanswered. What the SPEC promises is checked exactly: every notice (the cases' and the queue's,
 * NOTE-TRG-5..7) arrives; the only duplicates are the notices in flight at a kill or the restart,
 * one each; a notice recorded `sent` never goes again.
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
const CASES = 12;
/** Online tickets, three queue notices each (N ahead, the call, the rating link). */
const ONLINE = 4;
const COUNT = CASES + 3 * ONLINE;
/** A message as the phone gets it: one notice is one (number, text). */
const keyOf = (to: string, text: string) => `${to}|${text}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the worker; when the operator receives its `killAt`-th submit (counted over the whole
 * test) it leaves it unanswered and SIGKILLs the worker. Without `killAt`, resolves once every
 * notice arrived, then kills the worker; with `restartAt`, the operator leaves that submit
 * unanswered and restarts (every bind cut, the port closed and opened again) meanwhile. Resolves
 * with the notices left unanswered.
 */
function run(op: SmppOperator, killAt: number | null, restartAt: number | null = null): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER, dbPath, String(op.port), String(CASES), String(ONLINE)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    const inFlight: string[] = [];
    let done = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    op.onSubmit = (pdu, n) => {
      const key = keyOf(String(pdu.destination_addr), (pdu.short_message as { message: string }).message);
      if (killAt !== null && n === killAt) {
        inFlight.push(key);
        child.kill('SIGKILL');
        return false;
      }
      if (n === restartAt) {
        inFlight.push(key);
        const port = op.port;
        void op.stop().then(() => op.start(port));
        return false;
      }
      return true;
    };
    const poll = setInterval(() => {
      if (killAt === null && new Set(op.received.map((m) => keyOf(m.to, m.text))).size === COUNT && !done) {
        done = true;
        // Long enough for the last answer's `sent` to commit (the worker answers in ms).
        setTimeout(() => child.kill('SIGKILL'), 500);
      }
    }, 50);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      clearInterval(poll);
      op.onSubmit = () => true;
      if (signal !== 'SIGKILL')
        reject(new Error(`worker ended by itself (${signal}, code ${_code}): ${err}`));
      else resolve(inFlight);
    });
  });
}

describe('kill -9 between submit_sm and its recorded answer (NOTE-DLV-3)', () => {
  it('NOTE-DLV-3 NOTE-DLV-2 NOTE-TRG-5 NOTE-TRG-6 NOTE-TRG-7: every case and queue notice arrives across kills and an SMSC restart; only the one in flight at each arrives twice', async () => {
    const op = new SmppOperator();
    await op.start();
    try {
      const lost: string[] = [];
      for (const at of [3, 6, 10, 17]) {
        const inFlight = await run(op, at);
        expect(inFlight, `the worker reached submit ${at}`).toHaveLength(1);
        lost.push(...inFlight);
      }
      const atRestart = await run(op, null, 21);
      expect(atRestart, 'the operator restarted at submit 21').toHaveLength(1);
      lost.push(...atRestart);

      const received = op.received.map((m) => keyOf(m.to, m.text));
      // Each of the COUNT notices arrived; the unanswered submits were not received as answered ones.
      expect(new Set(received).size).toBe(COUNT);
      const counts = new Map<string, number>();
      for (const p of [...received, ...lost]) counts.set(p, (counts.get(p) ?? 0) + 1);
      for (const [p, c] of counts) expect(c, p).toBe(lost.includes(p) ? 2 : 1);
      expect(op.submits).toBe(COUNT + lost.length);
      // The queue's three kinds all went, to the online citizens' phones.
      const queueTexts = op.received.filter((m) => m.to.startsWith('137')).map((m) => m.text);
      expect(queueTexts.filter((t) => t.includes('前面'))).toHaveLength(ONLINE);
      expect(queueTexts.filter((t) => t.includes('号窗口'))).toHaveLength(ONLINE);
      expect(queueTexts.filter((t) => /\/m\/#\/rate\/[A-Za-z0-9_-]{24}$/.test(t))).toHaveLength(ONLINE);

      const store = new HallStore(dbPath, TEST_KEYS);
      try {
        const rows = store.notices.list(undefined, 100);
        expect(rows).toHaveLength(COUNT);
        expect(rows.every((r) => r.status === 'sent')).toBe(true);
        // Each unanswered submit cost its notice an attempt; a notice never went after its `sent`
        // (the counts above), and the restart may have cost others a failed bind too.
        expect(rows.every((r) => r.attempts >= 1)).toBe(true);
        expect(rows.filter((r) => r.attempts >= 2).length).toBeGreaterThanOrEqual(lost.length);
      } finally {
        store.close();
      }
    } finally {
      await op.stop();
    }
  }, 300_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readKeyFile, serializeKeys } from '../../queue-server/src/security/keys.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

const KEYS_ENV = { ONEWINDOW_KEYS: serializeKeys(TEST_KEYS) };

const MAIN = join(import.meta.dirname, '..', '..', 'queue-server', 'src', 'main.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(env: Record<string, string>, args: string[] = []): { child: ChildProcess; out: () => string } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ONEWINDOW_AUTO_DAY_CLOSE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  return { child, out: () => out };
}

const exited = (c: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    c.once('exit', (code, signal) => resolve({ code, signal })),
  );

async function listening(out: () => string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const m = /"port":(\d+)[^\n]*listening/.exec(out());
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start:\n${out()}`);
}

describe('the server process', () => {
  it('refuses to boot on bad configuration, naming every bad key', async () => {
    const { child, out } = run({ PORT: 'x', LOG_LEVEL: 'loud' });
    const { code } = await exited(child);
    expect(code).toBe(2);
    expect(out()).toContain('PORT');
    expect(out()).toContain('LOG_LEVEL');
  });

  it('refuses to make a real hall without a first admin password (INT-4: init makes a hall)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onewindow-proc-'));
    dirs.push(dir);
    const { child, out } = run({ PORT: '0', ONEWINDOW_DB: join(dir, 'h.db'), ...KEYS_ENV }, ['init']);
    expect((await exited(child)).code).toBe(2);
    expect(out()).toContain('ONEWINDOW_ADMIN_PASSWORD');
  });

  it('SEC-KEY-2 refuses to boot a real hall without its keys, and never keeps them in the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onewindow-proc-'));
    dirs.push(dir);
    const env = {
      PORT: '0',
      ONEWINDOW_DB: join(dir, 'h.db'),
      ONEWINDOW_ADMIN_PASSWORD: 'a-long-first-admin-pass',
    };
    const { child, out } = run(env);
    expect((await exited(child)).code).toBe(2);
    expect(out()).toMatch(/未配置密钥.*ONEWINDOW_KEY_FILE/);
    const missing = run({ ...env, ONEWINDOW_KEY_FILE: join(dir, 'nowhere.keys') });
    expect((await exited(missing.child)).code).toBe(2);
    expect(missing.out()).toMatch(/找不到密钥文件.*nowhere\.keys/);
  });

  it('SEC-KEY-3 the demo hall makes its key file beside the database once; other keys are refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onewindow-proc-'));
    dirs.push(dir);
    const db = join(dir, 'h.db');
    const first = run({ PORT: '0', HOST: '127.0.0.1', ONEWINDOW_DB: db }, ['--demo']);
    await listening(first.out);
    first.child.kill('SIGTERM');
    expect((await exited(first.child)).code).toBe(0);
    const keyFile = join(dir, 'onewindow.keys');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const keys = readKeyFile(keyFile);
    const other = run({ PORT: '0', ONEWINDOW_DB: db, ...KEYS_ENV });
    expect((await exited(other.child)).code).toBe(2);
    expect(other.out()).toContain('密钥与数据库不匹配');
    // The database file holds no key material: neither key's bytes appear in it.
    const file = readFileSync(db);
    expect(file.includes(keys.holder)).toBe(false);
    expect(file.includes(Buffer.from(keys.holder.toString('base64')))).toBe(false);
    expect(file.includes(Buffer.from(keys.data.get(1)!.toString('base64')))).toBe(false);
    // SEC-KEY-5: the operator rotates the stopped hall's keys; it starts again with the new file.
    const rotate = run({ ONEWINDOW_DB: db }, ['rotate-keys', '--demo']);
    expect((await exited(rotate.child)).code, rotate.out()).toBe(0);
    expect([...readKeyFile(keyFile).data.keys()]).toEqual([2]);
    const again = run({ PORT: '0', HOST: '127.0.0.1', ONEWINDOW_DB: db }, ['--demo']);
    await listening(again.out);
    again.child.kill('SIGTERM');
    expect((await exited(again.child)).code).toBe(0);
  });

  it('shuts down gracefully on SIGTERM and keeps every acknowledged ticket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onewindow-proc-'));
    dirs.push(dir);
    const db = join(dir, 'h.db');
    const first = run({ PORT: '0', HOST: '127.0.0.1', ONEWINDOW_DB: db }, ['--demo']);
    const port = await listening(first.out);
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'guide1', password: 'onewindow-demo' }),
    }).then((r) => r.json() as Promise<{ data: { token: string } }>);
    const issue = () =>
      fetch(`${base}/api/commands/ticket:issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${login.data.token}` },
        body: JSON.stringify({ categoryId: 'A' }),
      }).then((r) => r.json() as Promise<{ ok: boolean }>);
    // Requests in flight when the signal arrives are answered before the process exits:
    // signal as soon as the first answer shows the server is busy with the rest.
    const inFlight = Array.from({ length: 20 }, issue);
    await Promise.race(inFlight);
    first.child.kill('SIGTERM');
    const answers = await Promise.allSettled(inFlight);
    const acked = answers.filter((a) => a.status === 'fulfilled' && a.value.ok).length;
    expect((await exited(first.child)).code).toBe(0);
    expect(first.out()).toContain('shutting down');

    const second = run({ PORT: '0', HOST: '127.0.0.1', ONEWINDOW_DB: db }, ['--demo']);
    const port2 = await listening(second.out);
    const snap = await fetch(`http://127.0.0.1:${port2}/api/queue`).then(
      (r) => r.json() as Promise<{ data: { tickets: unknown[] } }>,
    );
    expect(snap.data.tickets.length).toBeGreaterThanOrEqual(acked);
    expect(acked).toBeGreaterThan(0);
    second.child.kill('SIGTERM');
    expect((await exited(second.child)).code).toBe(0);
  });
});

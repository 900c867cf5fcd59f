/**
 * The server process never loads the terminal agent (kiosk/agent): a real hall's server runs no
 * agent code, and the demo hall's terminals run in a process of their own (issue #19), which
 * does. Each process gets a module-resolve hook (module.register) that appends its pid and every
 * resolved module URL to a file, read after the process exited.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeKeys } from './security/keys.ts';
import { TEST_KEYS } from './store/testing.ts';

const MAIN = join(import.meta.dirname, 'main.ts');
const AGENT_CODE = /\/kiosk\/agent\//;

const HOOKS = `
import { appendFileSync } from 'node:fs';
const log = process.env.ONEWINDOW_TEST_MODULE_LOG;
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, process.pid + ' ' + resolved.url + '\\n');
  return resolved;
}
`;
const REGISTER = `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`;

let dir: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-main-'));
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'register.mjs'), REGISTER);
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the server until `ready` appears in its output, asks its health, stops it with SIGTERM
 * (it must exit cleanly), and returns the module URLs it resolved, and those its child processes did.
 */
async function modulesLoadedBy(
  name: string,
  env: Record<string, string>,
  ready: RegExp,
  opts: { init?: boolean } = {},
): Promise<{ server: string[]; children: string[] }> {
  const log = join(dir, `${name}.modules`);
  const fullEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ONEWINDOW_AUTO_DAY_CLOSE: '0',
    ONEWINDOW_DB: join(dir, name, 'hall.db'),
    ONEWINDOW_TEST_MODULE_LOG: log,
    ...env,
  };
  // A real hall's database is made by `init` (SPEC INT-4), before the server is started on it.
  if (opts.init) {
    const made = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'init'], { env: fullEnv });
    expect(made.status, String(made.stderr)).toBe(0);
  }
  writeFileSync(log, '');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', pathToFileURL(join(dir, 'register.mjs')).href, MAIN],
    { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const seen = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no ${ready} within 45 s:\n${out}`)), 45_000);
    const check = (chunk: Buffer) => {
      out += String(chunk);
      if (!ready.test(out)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then(() => reject(new Error(`${name}: exited before ${ready}:\n${out}`)));
  });
  await seen;
  // It serves (a real hall without a configuration answers 503 'not ready', which is fine here).
  const port = Number(/"port":(\d+)[^\n]*listening/.exec(out)?.[1]);
  expect([200, 503]).toContain((await fetch(`http://127.0.0.1:${port}/api/health`)).status);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const of = (mine: boolean) =>
    lines
      .filter((l) => (l.split(' ')[0] === String(child.pid)) === mine)
      .map((l) => l.slice(l.indexOf(' ') + 1));
  return { server: of(true), children: of(false) };
}

describe('the server process and the terminal agent', () => {
  it('no server loads agent code; the demo hall’s terminals process loads it through @onewindow/kiosk', async () => {
    const [real, demo] = await Promise.all([
      modulesLoadedBy(
        'real',
        { ONEWINDOW_ADMIN_PASSWORD: 'hall-first-pass-2026', ONEWINDOW_KEYS: serializeKeys(TEST_KEYS) },
        /listening/,
        { init: true },
      ),
      modulesLoadedBy(
        'demo',
        { ONEWINDOW_DEMO: '1', ONEWINDOW_DEMO_CONTROL_PORT: '0' },
        /demo terminals running/,
      ),
    ]);
    // The hook saw the server's own modules, so an empty agent list means something.
    expect(real.server.some((u) => u.endsWith('/queue-server/src/app/app.ts'))).toBe(true);
    expect(real.server.filter((u) => AGENT_CODE.test(u))).toEqual([]);
    expect(real.server.some((u) => /\/seed\/demo-(terminals|hall-devices)/.test(u))).toBe(false);
    expect(real.children).toEqual([]);

    // The demo server pairs its terminals (demo-hall-devices.ts) but runs none of their code …
    expect(demo.server.some((u) => u.endsWith('/queue-server/src/seed/demo-hall-devices.ts'))).toBe(true);
    expect(demo.server.some((u) => u.endsWith('/queue-server/src/seed/demo-terminals.ts'))).toBe(false);
    expect(demo.server.filter((u) => AGENT_CODE.test(u))).toEqual([]);
    // … its terminals process does, through @onewindow/kiosk.
    expect(demo.children.some((u) => u.endsWith('/queue-server/src/seed/demo-terminals.process.ts'))).toBe(
      true,
    );
    expect(demo.children.some((u) => u.endsWith('/kiosk/agent/index.ts'))).toBe(true);
    expect(demo.children.some((u) => u.endsWith('/kiosk/agent/agent/agent.ts'))).toBe(true);
  }, 60_000);
});

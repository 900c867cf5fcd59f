import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-archive-rest-'));
  server = await startTestServer({ dir });
});
afterEach(async () => {
  await server.close({ removeDb: false });
  rmSync(dir, { recursive: true, force: true });
});

const DAY = '2026-11-26';

describe('日结轧账 and the archive over REST (SPEC REC-*, ARC-5)', () => {
  it('REC-3 REC-6 a clerk reads and counts only their own day; the manager lists every clerk and nobody else does', async () => {
    const clerk = await server.login('rights1');
    const manager = await server.login('manager1');
    const reviewer = await server.login('reviewer1');
    const own = await server.rest<{ clerkId: string; status: string }>('GET', `/api/recon/${DAY}`, {
      token: clerk,
    });
    expect(own.status).toBe(200);
    expect(own.body.ok && own.body.data.status).toBe('open');
    // A count for business that is not the clerk's is refused, naming it.
    const bad = await server.rest('PUT', `/api/recon/${DAY}/counts`, {
      token: clerk,
      body: { counts: { SL202611260001: 2 }, handedOut: [] },
    });
    expect(bad.status).toBe(400);
    // Another clerk's day and the list are the manager's.
    expect((await server.rest('GET', `/api/recon/${DAY}/clerks`, { token: clerk })).status).toBe(403);
    expect((await server.rest('GET', `/api/recon/${DAY}`, { token: reviewer })).status).toBe(403);
    const list = await server.rest<{ clerkId: string; status: string }[]>('GET', `/api/recon/${DAY}/clerks`, {
      token: manager,
    });
    expect(list.status).toBe(200);
    expect(list.body.ok && list.body.data.length).toBeGreaterThan(0);
    expect(list.body.ok && list.body.data.every((r) => r.status === 'open')).toBe(true);
    // A malformed day is a clear 400, a future day a 409 with Chinese.
    expect((await server.rest('GET', '/api/recon/2026-13-45', { token: clerk })).status).toBe(400);
    const future = await server.rest('GET', '/api/recon/2099-01-01', { token: clerk });
    expect(future.status).toBe(409);
    expect(!future.body.ok && future.body.error.messageZh).toMatch(/尚未到来/);
  });

  it('ARC-5 the archive list and fixity status are for the back office; PDFs, export and fixity runs for managers', async () => {
    const clerk = await server.login('rights1');
    const accountant = await server.login('accountant1');
    const manager = await server.login('manager1');
    expect((await server.rest('GET', '/api/archive', { token: clerk })).status).toBe(403);
    expect((await server.rest('GET', '/api/archive', { token: accountant })).status).toBe(200);
    expect(
      (await server.rest('GET', '/api/archive/files/2026-C-SB01-0001/pdf', { token: accountant })).status,
    ).toBe(403);
    expect(
      (await server.rest('POST', '/api/archive/fixity', { token: accountant, body: { confirm: true } }))
        .status,
    ).toBe(403);
    // A run writes facts: without {confirm: true} it is refused and runs nothing.
    expect((await server.rest('POST', '/api/archive/fixity', { token: manager })).status).toBe(400);
    const run = await server.rest<{ failed: number }>('POST', '/api/archive/fixity', {
      token: manager,
      body: { confirm: true },
    });
    expect(run.status).toBe(200);
    expect(run.body.ok && run.body.data.failed).toBe(0);
    const status = await server.rest<{ at: number | null }>('GET', '/api/archive/fixity', {
      token: accountant,
    });
    expect(status.body.ok && status.body.data.at).not.toBeNull();
    expect(
      (await server.rest('GET', '/api/archive/files/2026-C-SB01-0001/pdf', { token: manager })).status,
    ).toBe(404);
    expect(
      (await server.rest('GET', '/api/archive/volumes/..%2Fetc/export', { token: manager })).status,
    ).toBe(400);
    expect(
      (await server.rest('POST', '/api/archive/cases/SL-none', { token: manager, body: {} })).status,
    ).toBe(404);
  });

  it('MAT-SWEEP-3 the page store sweep runs on demand for managers and admins, only with {confirm: true}, and its last result is read back', async () => {
    const clerk = await server.login('clerk1');
    const manager = await server.login('manager1');
    const admin = await server.login('admin');
    expect((await server.rest('GET', '/api/page-store/sweep', { token: manager })).body).toEqual({
      ok: true,
      data: null,
    });
    expect(
      (await server.rest('POST', '/api/page-store/sweep', { token: clerk, body: { confirm: true } })).status,
    ).toBe(403);
    expect((await server.rest('POST', '/api/page-store/sweep', { token: manager, body: {} })).status).toBe(
      400,
    );
    const run = await server.rest<{ files: number; orphans: number; by: string }>(
      'POST',
      '/api/page-store/sweep',
      {
        token: admin,
        body: { confirm: true },
      },
    );
    expect(run.status).toBe(200);
    expect(run.body.ok && run.body.data).toMatchObject({ files: 0, orphans: 0 });
    const last = await server.rest<{ by: string; at: number }>('GET', '/api/page-store/sweep', {
      token: manager,
    });
    expect(last.body.ok && last.body.data).toMatchObject({ at: server.clock.now() });
    expect(last.body.ok && last.body.data?.by).toBe(run.body.ok ? run.body.data.by : 'none');
  });
});

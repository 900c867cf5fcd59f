/**
 * 日结轧账 facts on the staff sockets (SPEC REC-UI-5): a clerk's counts and explanations reach
 * that clerk and the managers whole; every other staff socket (another clerk, the guide desk, the
 * back office) sees only that the seq moved, so it never has a gap and never reads the day.
 */
import type { StaffFact } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HallClient, startTestServer, type TestServer } from '../support/server.ts';

const DAY = '2026-11-26';
const NOTE = '下午出件登记漏录，已补登记台账';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
}, 60_000);
afterEach(async () => {
  await server?.close({ removeDb: true });
});

/** Every `staff:fact` a socket receives, in order. */
function collect(socket: HallClient): StaffFact[] {
  const got: StaffFact[] = [];
  (socket as unknown as { on: (e: string, fn: (f: StaffFact) => void) => void }).on('staff:fact', (f) =>
    got.push(f),
  );
  return got;
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('日结轧账 facts reach only the clerk and the managers (REC-UI-5)', () => {
  it('REC-UI-5 a second clerk, the guide and the accountant never receive the first clerk’s counts or explanations', async () => {
    const tokens = Object.fromEntries(
      await Promise.all(
        ['clerk1', 'clerk2', 'manager1', 'guide1', 'accountant1'].map(async (u) => [
          u,
          await server.login(u),
        ]),
      ),
    ) as Record<string, string>;
    const sockets = Object.fromEntries(
      await Promise.all(
        Object.entries(tokens).map(async ([u, token]) => [u, await server.client({ token })] as const),
      ),
    ) as Record<string, HallClient>;
    const got = Object.fromEntries(Object.entries(sockets).map(([u, s]) => [u, collect(s)])) as Record<
      string,
      StaffFact[]
    >;

    // clerk1 declares a result handed out that has no hand-back (a discrepancy), explains it, signs.
    const counted = await server.rest('PUT', `/api/recon/${DAY}/counts`, {
      token: tokens.clerk1,
      body: { counts: {}, handedOut: ['SL-NOT-HANDED'] },
    });
    expect(counted.status).toBe(200);
    const signed = await server.rest<{ status: string }>('POST', `/api/recon/${DAY}/sign`, {
      token: tokens.clerk1,
      body: { explanations: [{ key: 'handout-unrecorded:SL-NOT-HANDED', note: NOTE }] },
    });
    expect(signed.status).toBe(200);
    expect(signed.body.ok && signed.body.data.status).toBe('signed');
    // clerk2 counts their own (empty) day: a third recon fact, clerk2's, which clerk1 may not read.
    const other = await server.rest('PUT', `/api/recon/${DAY}/counts`, {
      token: tokens.clerk2,
      body: { counts: {}, handedOut: [] },
    });
    expect(other.status).toBe(200);
    for (const u of Object.keys(sockets))
      await until(() => got[u]!.filter((f) => f.type.startsWith('recon:')).length === 3, u);

    const recon = (u: string) => got[u]!.filter((f) => f.type.startsWith('recon:'));
    const bare = (f: StaffFact) => Object.keys(f.event).sort().join() === 'at,seq,type';
    // The clerk and the manager read clerk1's day whole: the counts and the explanation.
    for (const u of ['clerk1', 'manager1']) {
      const types = recon(u).map((f) => f.type);
      expect(types, u).toEqual(['recon:counted', 'recon:signed', 'recon:counted']);
      const sig = recon(u)[1]!.event as { type: string; explanations?: { note: string }[] };
      expect(sig.explanations?.[0]?.note, u).toBe(NOTE);
      expect(bare(recon(u)[0]!), u).toBe(false);
    }
    // clerk2's own count reaches clerk2 and the manager whole, clerk1 bare.
    expect(bare(recon('manager1')[2]!)).toBe(false);
    expect(bare(recon('clerk2')[2]!)).toBe(false);
    expect(bare(recon('clerk1')[2]!)).toBe(true);
    // Everybody else sees that the seq moved (no gap), and nothing of the day.
    for (const u of ['clerk2', 'guide1', 'accountant1']) {
      for (const f of recon(u).slice(0, 2))
        expect(Object.keys(f.event).sort(), u).toEqual(['at', 'seq', 'type']);
      const wire = JSON.stringify(got[u]);
      expect(wire, u).not.toContain(NOTE);
      expect(wire, u).not.toContain('SL-NOT-HANDED');
      // The seqs still run without a gap.
      const seqs = got[u]!.map((f) => f.seq);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i], u).toBe(seqs[i - 1]! + 1);
    }
  }, 60_000);
});

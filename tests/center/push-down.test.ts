import { DEFAULT_RISK_LIST, type RegionDocument, type ServiceItem } from '@onewindow/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

// The region's documents applied in a real hall (SPEC RGN-PUSH-2..4).
const doc = (kind: RegionDocument['kind'], version: number, body: unknown): RegionDocument => ({
  kind,
  version,
  body,
  note: '',
  publishedAt: new Date(0).toISOString(),
});

describe('regional documents in the hall (RGN-PUSH-*)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close({ removeDb: true });
    server = undefined;
  });

  it('RGN-PUSH-2 RGN-PUSH-3 the catalog is applied as a fact, the hall’s own items kept and marked local; a dropped regional item goes', async () => {
    server = await startTestServer({ risk: true });
    const h = server.app.hall;
    const demo = h.catalog.items();
    const local: ServiceItem = { ...(demo[0] as ServiceItem), code: 'LOCAL-001', name: '本厅特色事项' };
    expect(h.catalog.put('admin', local.code, local).ok).toBe(true);
    const regional = demo.slice(0, 3).map((i, k) => (k === 0 ? { ...i, name: `${i.name}（省级）` } : i));

    const seq = h.hall.queue.lastSeq;
    const r1 = h.region.apply(doc('catalog', 1, { items: regional }));
    expect(r1.ok).toBe(true);
    // One fact in the hall's log names the version, what the region set and what the hall kept.
    expect(h.hall.queue.lastSeq).toBe(seq + 1);
    const own = [...demo.slice(3).map((i) => i.code), 'LOCAL-001'].sort();
    expect(r1.ok && r1.fact).toMatchObject({ type: 'region:document-applied', kind: 'catalog', version: 1 });
    expect(r1.ok && [...r1.fact.localKept].sort()).toEqual(own);
    expect(
      h.catalog
        .items()
        .map((i) => i.code)
        .sort(),
    ).toEqual([...regional.map((i) => i.code), ...own].sort());
    expect(h.catalog.items().find((i) => i.code === regional[0]?.code)?.name).toMatch(/（省级）$/);
    expect(h.region.isLocalItem('LOCAL-001')).toBe(true);
    expect(h.region.isLocalItem(regional[1]?.code as string)).toBe(false);

    // Version 2 drops a regional item: it leaves; the hall's own stay.
    expect(h.region.apply(doc('catalog', 2, { items: regional.slice(0, 2) })).ok).toBe(true);
    expect(
      h.catalog
        .items()
        .map((i) => i.code)
        .sort(),
    ).toEqual([...regional.slice(0, 2).map((i) => i.code), ...own].sort());
    // An older or equal version is not applied again.
    expect(h.region.apply(doc('catalog', 2, { items: regional })).ok).toBe(false);

    const admin = await server.login('admin');
    const st = await server.rest<{
      documents: { kind: string; version: number; localKept: string[] }[];
      replication: null;
    }>('GET', '/api/region/status', { token: admin });
    expect(st.status).toBe(200);
    if (!st.body.ok) throw new Error(st.body.error.message);
    const shown = st.body.data.documents.find((d) => d.kind === 'catalog');
    expect(shown?.version).toBe(2);
    expect([...(shown?.localKept ?? [])].sort()).toEqual(own);
    expect(st.body.data.replication).toBeNull();
    const clerk = await server.login('clerk1');
    expect((await server.rest('GET', '/api/region/status', { token: clerk })).status).toBe(403);
  });

  it('RGN-PUSH-2 a document the hall cannot take is refused whole and shown; nothing changes', async () => {
    server = await startTestServer({ risk: true });
    const h = server.app.hall;
    const before = h.catalog.items();
    const seq = h.hall.queue.lastSeq;
    const bad = { ...(before[0] as ServiceItem), code: 'X-1', categoryId: 'no-such-category' };
    const r = h.region.apply(doc('catalog', 1, { items: [bad] }));
    expect(r.ok).toBe(false);
    expect(h.catalog.items()).toEqual(before);
    expect(h.hall.queue.lastSeq).toBe(seq);
    expect(h.region.status().find((d) => d.kind === 'catalog')).toMatchObject({
      version: 0,
      refused: { version: 1 },
    });
  });

  it('RGN-PUSH-3 RGN-PUSH-4 calendar and risk list keep local additions; the versions survive a restart (they are facts)', async () => {
    server = await startTestServer({ risk: true });
    let h = server.app.hall;
    h.calendarOverrides.put('admin', { date: '2026-12-24', kind: 'holiday', note: '本市' });
    h.calendarOverrides.put('admin', { date: '2026-12-31', kind: 'workday', note: '本市调班' });
    const cal = h.region.apply(
      doc('calendar', 3, {
        overrides: [
          { date: '2026-12-31', kind: 'holiday', note: '省调休' },
          { date: '2027-01-02', kind: 'workday', note: '省调休' },
        ],
      }),
    );
    expect(cal.ok).toBe(true);
    const overrides = Object.fromEntries(h.calendarOverrides.all().map((o) => [o.date, o.kind]));
    // The hall's own correction of 12-31 wins; 01-02 comes from the region; 12-24 stays.
    expect(overrides).toEqual({ '2026-12-24': 'holiday', '2026-12-31': 'workday', '2027-01-02': 'workday' });
    expect(cal.ok && cal.fact.localKept).toEqual(['2026-12-24', '2026-12-31']);
    expect(h.calendar.isWorkingDay('2027-01-02')).toBe(true);

    const extra = {
      ...(DEFAULT_RISK_LIST[0] as (typeof DEFAULT_RISK_LIST)[number]),
      code: 'QY-01',
      name: '区域新增风险',
    };
    const list = h.region.apply(doc('risk-list', 1, { entries: [extra] }));
    expect(list.ok).toBe(true);
    const entries = h.risk.list().entries.map((e) => e.code);
    expect(entries).toContain('QY-01');
    for (const e of DEFAULT_RISK_LIST) expect(entries).toContain(e.code);
    expect(h.risk.list().publishedBy).toBe('center');

    const dir = server.dbPath.replace(/\/hall\.db$/, '');
    await server.close({ removeDb: false });
    server = await startTestServer({ dir, risk: true });
    h = server.app.hall;
    expect(h.region.versions()).toEqual({ calendar: 3, 'risk-list': 1 });
    expect(h.region.status().find((d) => d.kind === 'calendar')?.localKept).toEqual([
      '2026-12-24',
      '2026-12-31',
    ]);
  });
});

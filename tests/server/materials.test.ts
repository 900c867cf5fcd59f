import type {
  Ack,
  CaseRecord,
  CommandResult,
  KioskIssueResult,
  MaterialPage,
  ServiceItem,
  SlipResult,
} from '@onewindow/shared';
import type { PiiReadEntry } from '@onewindow/shared/api-types.ts';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptAtWindow } from '../support/materials.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** 失业保险金申领: time-limited, reviewed once; three required materials in its guide. */
const UNEMPLOYMENT = '512B0070100003';
const ID_CARD = '居民身份证或社会保障卡';
const LEAVING = '解除或终止劳动关系证明';
const BANK = '本人银行账户';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const ok = <T>(r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};
const cmd = async (token: string, name: string, body: unknown) =>
  ok(await server.rest<CommandResult>('POST', `/api/commands/${name}`, { token, body }));

/** clerk1 at w1 accepts a 失业保险金申领; returns the case id and the clerk's token. */
const accepted = () => acceptAtWindow(server, UNEMPLOYMENT);

async function upload(
  token: string,
  caseId: string,
  material: string,
  bytes: Buffer,
  o: { type?: string; source?: string } = {},
) {
  const res = await fetch(
    `${server.url}/api/cases/${caseId}/materials/${encodeURIComponent(material)}/pages?source=${o.source ?? 'camera'}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': o.type ?? 'application/octet-stream' },
      body: new Uint8Array(bytes),
    },
  );
  return { status: res.status, body: (await res.json()) as Ack<{ case: CaseRecord; page: MaterialPage }> };
}

/** A photographed page: 4000×3000 with EXIF (camera, GPS-like comment), as a document camera sends. */
const photo = () =>
  sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#f4f1e8' } })
    .composite([
      {
        input: Buffer.from(
          '<svg width="4000" height="3000"><text x="200" y="600" font-size="300">解除劳动关系证明</text></svg>',
        ),
      },
    ])
    .withExif({ IFD0: { Make: 'GaoPaiYi', Model: 'S1000', ImageDescription: 'secret place' } })
    .jpeg({ quality: 90 })
    .toBuffer();

describe('capture at the window (SPEC MAT-CAP-*)', () => {
  it('MAT-FILE-1 MAT-CAP-2: the case opens with the guide’s checklist; a photo is stored re-encoded, upright, ≤ 2480 px, without EXIF, by its SHA-256', async () => {
    const { caseId, clerk } = await accepted();
    const c0 = ok(await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, { token: clerk }));
    expect(c0.materials.map((m) => [m.name, m.required, m.status])).toEqual([
      [ID_CARD, true, 'missing'],
      [LEAVING, true, 'missing'],
      [BANK, true, 'missing'],
    ]);
    const original = await photo();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const r = await upload(clerk, caseId, LEAVING, original, { type: 'text/plain' });
    expect(r.status).toBe(201);
    const { page, case: c1 } = ok(r);
    expect(page).toMatchObject({ mime: 'image/jpeg', width: 2480, height: 1860 });
    expect(c1.materials.find((m) => m.name === LEAVING)).toMatchObject({
      status: 'present',
      source: 'camera',
      pages: [{ sha256: page.sha256, mime: 'image/jpeg', bytes: page.bytes }],
    });
    const reviewer = await server.login('reviewer1');
    const res = await fetch(`${server.url}/api/pages/${page.sha256}`, {
      headers: { authorization: `Bearer ${reviewer}` },
    });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['jpeg', 2480, 1860, undefined]);
    expect(bytes.includes(Buffer.from('secret place'))).toBe(false);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(page.sha256);
  });

  it('MAT-CAP-2: the kind is read from the bytes: a PNG sent as image/jpeg stays a PNG; text is refused 415; over 20 MB is refused 413, in Chinese', async () => {
    const { caseId, clerk } = await accepted();
    const png = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const asPng = ok(await upload(clerk, caseId, ID_CARD, png, { type: 'image/jpeg', source: 'file' }));
    expect(asPng.page).toMatchObject({ mime: 'image/png', width: 600, height: 800 });
    const text = await upload(clerk, caseId, ID_CARD, Buffer.from('<html><script>alert(1)</script></html>'), {
      type: 'image/png',
    });
    expect(text.status).toBe(415);
    expect(!text.body.ok && text.body.error).toMatchObject({
      code: 'UNSUPPORTED_MEDIA',
      messageZh: expect.stringContaining('JPEG'),
    });
    const truncated = await upload(clerk, caseId, ID_CARD, png.subarray(0, 200));
    expect(truncated.status).toBe(415);
    const big = await upload(clerk, caseId, ID_CARD, Buffer.concat([png, Buffer.alloc(21 * 1024 * 1024)]));
    expect(big.status).toBe(413);
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 51 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
    );
    const tooManyPages = await upload(clerk, caseId, ID_CARD, pdf, { source: 'file' });
    expect(tooManyPages.status).toBe(413);
    expect(!tooManyPages.body.ok && tooManyPages.body.error.messageZh).toContain('51 页');
    // Nothing refused was linked: the checklist still has the one PNG.
    const c = ok(await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, { token: clerk }));
    expect(c.materials.find((m) => m.name === ID_CARD)!.pages.map((p) => p.mime)).toEqual(['image/png']);
  });

  it('MAT-CAP-1: only who took the case in captures at 受理, at a window; nothing is captured once the case left 受理', async () => {
    const { caseId, clerk } = await accepted();
    const png = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const clerk2 = await server.login('clerk2');
    const notAtWindow = await upload(clerk2, caseId, ID_CARD, png);
    expect([notAtWindow.status, !notAtWindow.body.ok && notAtWindow.body.error.messageZh]).toEqual([
      403,
      '请先在窗口签到（开窗）后再采集材料',
    ]);
    await cmd(clerk2, 'window:open', { windowId: 'w2' });
    const other = await upload(clerk2, caseId, ID_CARD, png);
    expect([other.status, !other.body.ok && other.body.error.messageZh]).toEqual([
      403,
      '只有受理该案件的柜员可以采集其材料',
    ]);
    const reviewer = await server.login('reviewer1');
    expect((await upload(reviewer, caseId, ID_CARD, png)).status).toBe(403);
    expect((await upload(clerk, caseId, '户口本', png)).status).toBe(400);
    for (const m of [ID_CARD, LEAVING, BANK]) ok(await upload(clerk, caseId, m, png));
    ok(await server.rest('POST', `/api/commands/case:start-review`, { token: reviewer, body: { caseId } }));
    const late = await upload(clerk, caseId, ID_CARD, png);
    expect(late.status).toBe(409);
  });
});

describe('the electronic case file (SPEC MAT-FILE-*)', () => {
  it('MAT-FILE-2: 开始审核 is refused while a required material is neither captured nor waived, naming it; a waiver with a reason lets it go', async () => {
    const { caseId, clerk } = await accepted();
    const png = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    ok(await upload(clerk, caseId, ID_CARD, png));
    ok(await upload(clerk, caseId, BANK, png));
    const reviewer = await server.login('reviewer1');
    const refused = await server.rest('POST', '/api/commands/case:start-review', {
      token: reviewer,
      body: { caseId },
    });
    expect(refused.status).toBe(422);
    expect(!refused.body.ok && refused.body.error).toMatchObject({
      code: 'MATERIALS_MISSING',
      messageZh: `申请材料不齐，不能开始审核：「${LEAVING}」未采集，也未登记免提交`,
    });
    const noReason = await server.rest(
      'POST',
      `/api/cases/${caseId}/materials/${encodeURIComponent(LEAVING)}/waive`,
      {
        token: clerk,
        body: { reason: '   ' },
      },
    );
    expect(noReason.status).toBe(400);
    const withId = await server.rest(
      'POST',
      `/api/cases/${caseId}/materials/${encodeURIComponent(LEAVING)}/waive`,
      {
        token: clerk,
        body: { reason: '单位证明见34052419800101001X' },
      },
    );
    expect(withId.status).toBe(400);
    const waived = ok(
      await server.rest<CaseRecord>(
        'POST',
        `/api/cases/${caseId}/materials/${encodeURIComponent(LEAVING)}/waive`,
        {
          token: clerk,
          body: { reason: '全程网办：经办机构核查离职信息' },
        },
      ),
    );
    expect(waived.materials.find((m) => m.name === LEAVING)).toMatchObject({
      status: 'waived',
      reason: '全程网办：经办机构核查离职信息',
    });
    const started = ok(
      await server.rest<CommandResult>('POST', '/api/commands/case:start-review', {
        token: reviewer,
        body: { caseId },
      }),
    );
    expect(started.case!.status).toBe('in-review');
  });

  it('MAT-FILE-4: the form the citizen filled at the kiosk is its material, present from the kiosk; without a form it is missing', async () => {
    // 社会保障卡申领 with the hall's paper form on its guide's list, as a hall may publish it.
    const CARD_ITEM = '512B0070200003';
    const FORM = '社会保障卡申领登记表';
    const admin = await server.login('admin');
    const item = ok(await server.rest<ServiceItem[]>('GET', '/api/catalog', { token: admin })).find(
      (i) => i.code === CARD_ITEM,
    )!;
    expect(item.form?.title).toBe(FORM);
    const guide = item.guide!;
    ok(
      await server.rest('PUT', `/api/catalog/items/${CARD_ITEM}`, {
        token: admin,
        body: {
          ...item,
          guide: {
            ...guide,
            materials: [...guide.materials, { name: FORM, form: '原件', copies: 1, required: true }],
          },
        },
      }),
    );
    const kiosk = await server.pairDevice('kiosk');
    const clerk = await server.login('clerk1');
    await cmd(clerk, 'window:open', { windowId: 'w1' });
    const acceptNext = async (): Promise<CaseRecord> => {
      await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
      await cmd(clerk, 'ticket:start', { windowId: 'w1' });
      const serving = server.app.service.queue.window('w1')!.ticketId!;
      const slip = ok(
        await server.rest<SlipResult>('POST', '/api/slips', {
          token: clerk,
          body: {
            ticketId: serving,
            kind: 'acceptance',
            applicantName: '张三丰',
            contactPhone: '13812345678',
            print: false,
          },
        }),
      );
      return ok(await server.rest<CaseRecord>('GET', `/api/cases/${slip.case!.id}`, { token: clerk }));
    };
    const form = {
      name: '张三丰',
      idNumber: '34052419800101001X',
      sex: '男',
      phone: '13812345678',
      bank: 'ICBC',
      delivery: 'window',
    };
    ok(
      await server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
        deviceToken: kiosk,
        body: { itemCode: CARD_ITEM, idNumber: form.idNumber, form },
        headers: { 'idempotency-key': 'form-1' },
      }),
    );
    const withForm = await acceptNext();
    expect(withForm.materials.find((m) => m.name === FORM)).toMatchObject({
      status: 'present',
      source: 'kiosk',
      pages: [],
    });
    const captured = withForm.history.filter((h) => h.step === 'case:material-captured');
    expect(captured).toHaveLength(1);
    await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'accepted' }).catch(() => undefined);
    // The same item without a kiosk form: the paper form is still to be captured.
    ok(
      await server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
        deviceToken: kiosk,
        body: { itemCode: CARD_ITEM, idNumber: '440308199901101512' },
        headers: { 'idempotency-key': 'form-2' },
      }),
    );
    const without = await acceptNext();
    expect(without.materials.find((m) => m.name === FORM)?.status).toBe('missing');
  });

  it('MAT-FILE-3: a page is served only to staff who work on its case, never cached, and each read is in the read trail', async () => {
    const { caseId, clerk } = await accepted();
    const png = await sharp({ create: { width: 120, height: 160, channels: 3, background: '#eee' } })
      .png()
      .toBuffer();
    const { page } = ok(await upload(clerk, caseId, ID_CARD, png));
    const get = async (who: string, q = '') =>
      fetch(`${server.url}/api/pages/${page.sha256}${q}`, {
        headers: { authorization: `Bearer ${await server.login(who)}` },
      });
    const byReviewer = await get('reviewer1');
    expect(byReviewer.status).toBe(200);
    expect(byReviewer.headers.get('cache-control')).toBe('private, no-store');
    expect(byReviewer.headers.get('content-type')).toBe('image/png');
    expect(byReviewer.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('clerk1')).status).toBe(200);
    expect((await get('clerk2')).status).toBe(403);
    expect((await get('accountant1')).status).toBe(403);
    expect((await get('manager1')).status).toBe(403);
    expect((await get('manager1', '?purpose=%E6%8A%95%E8%AF%89%E6%A0%B8%E6%9F%A5')).status).toBe(200);
    expect((await fetch(`${server.url}/api/pages/${page.sha256}`)).status).toBe(401);
    expect((await get('reviewer1', '')).status).toBe(200);
    const unknown = await fetch(`${server.url}/api/pages/${'0'.repeat(64)}`, {
      headers: { authorization: `Bearer ${await server.login('reviewer1')}` },
    });
    expect(unknown.status).toBe(404);
    const manager = await server.login('manager1');
    const trail = ok(
      await server.rest<PiiReadEntry[]>('GET', '/api/pii-reads?from=2026-11-26&to=2026-11-26', {
        token: manager,
      }),
    );
    const reads = trail.filter((r) => r.subject === 'case-page' && r.subjectId === page.sha256);
    // reviewer1 twice, clerk1 (李强, who took it in), the manager with a purpose; refused reads leave none.
    expect(reads.map((r) => r.staffName).sort()).toEqual(['孙悦', '孙悦', '李强', '陈刚'].sort());
    expect(reads.every((r) => r.purpose.length > 0)).toBe(true);
  });
});

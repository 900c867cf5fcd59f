/**
 * 扫描 at the console, through the window's terminal agent (SPEC MAT-DEV-2): a real test server,
 * a real TerminalAgent connected over Socket.IO as the window's paired agent, and the real
 * `scanimage -d test` (Debian sane-utils) driven with the shipped `sane-test` profile's settings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFirmwareConfig } from '@onewindow/firmware-config';
import type { ScannerProfile } from '@onewindow/firmware-config/schema';
import {
  type AgentDevices,
  type DocumentScanner,
  PrintJournal,
  SaneScanner,
  SimulatedScanner,
  saneOptionsFromProfile,
  TerminalAgent,
} from '@onewindow/kiosk/agent';
import type { Ack, CaptureDevices, CaseRecord, CommandResult, StaffFact } from '@onewindow/shared';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptAtWindow } from '../support/materials.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const UNEMPLOYMENT = '512B0070100003';
const LEAVING = '解除或终止劳动关系证明';
const SANE_TEST = loadFirmwareConfig().config.devices['sane-test'] as ScannerProfile;

let server: TestServer;
const agents: TerminalAgent[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop(500);
  await server.close();
});

const ok = <T>(r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};
const _cmd = async (token: string, name: string, body: unknown) =>
  ok(await server.rest<CommandResult>('POST', `/api/commands/${name}`, { token, body }));

/** clerk1 at w1 accepts a 失业保险金申领; returns the case id and the clerk's token. */
const accepted = () => acceptAtWindow(server, UNEMPLOYMENT);

/** The window's agent, paired for w1 and connected, with this scanner; resolves once its health is in. */
async function windowAgent(scanner: DocumentScanner | undefined): Promise<TerminalAgent> {
  const deviceToken = await server.pairDevice('agent', 'w1');
  const devices: AgentDevices = {
    ...(scanner ? { documentScanner: scanner } : {}),
    documentCamera: { labelMatch: 'USB Camera', width: 2592, height: 1944, rotation: 0 },
  };
  const agent = new TerminalAgent({
    serverUrl: server.url,
    deviceToken,
    windowId: 'w1',
    devices,
    journal: PrintJournal.open(mkdtempSync(join(tmpdir(), 'onewindow-scan-agent-'))),
    transports: ['websocket'],
    reconnect: { initialMs: 50, maxMs: 200, jitter: 0.5 },
    ackTimeoutMs: 5000,
  });
  agents.push(agent);
  const connected = new Promise<void>((resolve) => agent.on('state', (s) => s === 'connected' && resolve()));
  agent.start();
  await connected;
  return agent;
}

/** Polls the clerk's capture devices until `pick` holds. */
async function devicesWhen(clerk: string, pick: (d: CaptureDevices) => boolean): Promise<CaptureDevices> {
  const end = Date.now() + 15_000;
  for (;;) {
    const d = ok(await server.rest<CaptureDevices>('GET', '/api/capture/devices', { token: clerk }));
    if (pick(d)) return d;
    if (Date.now() > end) throw new Error(`capture devices never matched: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const scan = (clerk: string, caseId: string, material = LEAVING) =>
  server.rest<{ requestId: string; pages: number }>(
    'POST',
    `/api/cases/${caseId}/materials/${encodeURIComponent(material)}/scan`,
    { token: clerk },
  );

describe('扫描 through the window’s terminal agent (SPEC MAT-DEV-2)', () => {
  it('MAT-DEV-2 MAT-CAP-3: 扫描 runs the real `scanimage -d test` with the sane-test profile on the agent, which links the page as the clerk; the clerk’s console hears it', async () => {
    const { caseId, clerk } = await accepted();
    await windowAgent(new SaneScanner(saneOptionsFromProfile(SANE_TEST)));
    const d = await devicesWhen(clerk, (x) => x.scanner?.online === true);
    expect(d).toMatchObject({
      windowId: 'w1',
      scanner: { online: true, busy: false },
      documentCamera: { labelMatch: 'USB Camera', width: 2592, height: 1944, rotation: 0 },
    });
    const console = await server.client({ token: clerk });
    const facts: StaffFact[] = [];
    console.on('staff:fact', (f: StaffFact) => facts.push(f));

    const r = await scan(clerk, caseId);
    expect(r.status).toBe(200);
    expect(ok(r)).toMatchObject({ pages: 1 });
    const c = ok(await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, { token: clerk }));
    const m = c.materials.find((x) => x.name === LEAVING)!;
    expect(m).toMatchObject({ status: 'present', source: 'scanner' });
    expect(m.pages).toHaveLength(1);
    // The stored page is SANE's scan: 200×200 mm (the test device's bed) at 150 dpi, grey.
    const res = await fetch(`${server.url}/api/pages/${m.pages[0]!.sha256}`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1181, 1181]);
    // The console's existing realtime update carries the capture.
    await expect.poll(() => JSON.stringify(facts), { timeout: 5000 }).toContain('material-captured');
  }, 60_000);

  it('MAT-DEV-2: an empty feeder (SANE_STATUS_NO_DOCS from the real test backend) is refused in Chinese and links nothing', async () => {
    const { caseId, clerk } = await accepted();
    await windowAgent(
      new SaneScanner({
        ...saneOptionsFromProfile(SANE_TEST),
        resolution: 75,
        extraArgs: ['--read-return-value', 'SANE_STATUS_NO_DOCS'],
      }),
    );
    await devicesWhen(clerk, (x) => x.scanner?.online === true);
    const r = await scan(clerk, caseId);
    expect(r.status).toBe(503);
    expect(r.body.ok === false && r.body.error.messageZh).toBe('扫描仪中没有纸张：请放好材料后再扫描');
    const c = ok(await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, { token: clerk }));
    expect(c.materials.find((x) => x.name === LEAVING)!.status).toBe('missing');
  }, 60_000);

  it('MAT-DEV-2: a second 扫描 while one runs at the window is refused (409), the first still links its page', async () => {
    const { caseId, clerk } = await accepted();
    await windowAgent(new SimulatedScanner(undefined, { delayMs: 1500 }));
    await devicesWhen(clerk, (x) => x.scanner?.online === true);
    const first = scan(clerk, caseId);
    await devicesWhen(clerk, (x) => x.scanner?.busy === true);
    const second = await scan(clerk, caseId, '本人银行账户');
    expect(second.status).toBe(409);
    expect(second.body.ok === false && second.body.error.messageZh).toBe(
      '扫描仪正在扫描上一份材料，请等它完成后再扫描',
    );
    const r = await first;
    expect(ok(r)).toMatchObject({ pages: 1 });
  }, 60_000);

  it('MAT-DEV-2: no scanner at the clerk’s window → 404 in Chinese; the agent offline → 503 in Chinese; a case the clerk may not capture on → refused before scanning', async () => {
    const { caseId, clerk } = await accepted();
    // Without an agent reporting a scanner, the window has none.
    const none = await scan(clerk, caseId);
    expect(none.status).toBe(404);
    expect(none.body.ok === false && none.body.error.messageZh).toBe(
      '本窗口未配置扫描仪，请用高拍仪拍照或上传文件',
    );
    expect(ok(await server.rest<CaptureDevices>('GET', '/api/capture/devices', { token: clerk }))).toEqual({
      windowId: 'w1',
      scanner: null,
      documentCamera: null,
    });

    const agent = await windowAgent(new SimulatedScanner());
    await devicesWhen(clerk, (x) => x.scanner?.online === true);
    const wrong = await scan(clerk, caseId, '不在清单上的材料');
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(agent.health.documentScanner).toBe('ready'); // never asked to scan

    await agent.stop(500);
    await devicesWhen(clerk, (x) => x.scanner?.online === false);
    const offline = await scan(clerk, caseId);
    expect(offline.status).toBe(503);
    expect(offline.body.ok === false && offline.body.error.messageZh).toMatch(/终端助手.*未连接/);

    // A device token cannot ask for a scan: only the clerk at the console does.
    const token = await server.pairDevice('agent', 'w1');
    const byDevice = await server.rest(
      'POST',
      `/api/cases/${caseId}/materials/${encodeURIComponent(LEAVING)}/scan`,
      {
        deviceToken: token,
      },
    );
    expect(byDevice.status).toBe(403);
  }, 60_000);

  it('MAT-DEV-2: an agent that does not answer in time is given up with a Chinese message; the window is free again at once, and the agent’s late page still arrives (so the message says to look first)', async () => {
    await server.close();
    server = await startTestServer({ scanTimeoutMs: 1500 });
    const { caseId, clerk } = await accepted();
    const agent = await windowAgent(new SimulatedScanner(undefined, { delayMs: 4000 }));
    await devicesWhen(clerk, (x) => x.scanner?.online === true);
    const slow = await scan(clerk, caseId);
    expect(slow.status).toBe(503);
    expect(slow.body.ok === false && slow.body.error.messageZh).toMatch(/^扫描超时.*请查看材料是否已归入/);
    expect((await devicesWhen(clerk, () => true)).scanner?.busy).toBe(false);
    // The agent still finishes and links its page (the clerk is told to look before scanning again).
    const late = await new Promise<{ status: string }>((resolve) => agent.once('scan-result', resolve));
    expect(late.status).toBe('scanned');
    const c = ok(await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, { token: clerk }));
    expect(c.materials.find((x) => x.name === LEAVING)!.pages).toHaveLength(1);
  }, 60_000);
});

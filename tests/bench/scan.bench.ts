/**
 * The 扫描 suite of `npm run bench` (SPEC MAT-DEV-2): the clerk's 扫描 to the page linked. One
 * sample: `POST …/scan` to a real queue server in this process → `device:scan` over Socket.IO to
 * a real TerminalAgent paired for the window → the real `scanimage -d test` with the shipped
 * `sane-test` profile (150 dpi grey, 200×200 mm: the test device's bed) → the agent uploads the
 * PNG (sniffed, re-encoded, stored, linked) → `device:scan-result` → the clerk's answer. The
 * floor, in the same run: the same scanimage call alone — the scan any 扫描 must wait for.
 * Reported: p95 against the floor's p95 (what the relay, upload and capture add).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFirmwareConfig } from '@onewindow/firmware-config';
import type { ScannerProfile } from '@onewindow/firmware-config/schema';
import {
  PrintJournal,
  SaneScanner,
  saneOptionsFromProfile,
  scanimageArgs,
  TerminalAgent,
} from '@onewindow/kiosk/agent';
import type { Ack, CommandResult, DeviceStatus, SlipResult } from '@onewindow/shared';
import { startTestServer } from '../support/server.ts';
import { type BenchRow, progress, quantile, round, rowAtMost } from './report.ts';

const SAMPLES = 12;
/** The relay, the upload and the capture (decode, re-encode, fsync, commit) may cost this many times the scan alone. */
const TARGET = 4;

const must = <T>(r: { body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};

export async function scanBench(): Promise<BenchRow[]> {
  const profile = loadFirmwareConfig().config.devices['sane-test'] as ScannerProfile;
  const options = saneOptionsFromProfile(profile);
  const server = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-scan-bench-'));
  let agent: TerminalAgent | null = null;
  try {
    const guide = await server.login('guide1');
    const clerk = await server.login('clerk1');
    const cmd = (token: string, name: string, body: unknown) =>
      server.rest<CommandResult>('POST', `/api/commands/${name}`, { token, body }).then(must);
    await cmd(guide, 'ticket:issue', { categoryId: 'A', itemCode: '512B0070100003' });
    await cmd(clerk, 'window:open', { windowId: 'w1' });
    await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
    await cmd(clerk, 'ticket:start', { windowId: 'w1' });
    const ticketId = server.app.service.queue.window('w1')!.ticketId!;
    const slip = must(
      await server.rest<SlipResult>('POST', '/api/slips', {
        token: clerk,
        body: {
          ticketId,
          kind: 'acceptance',
          applicantName: '张三',
          contactPhone: '13800000000',
          print: false,
        },
      }),
    );
    const caseId = slip.case!.id;
    const a = new TerminalAgent({
      serverUrl: server.url,
      deviceToken: await server.pairDevice('agent', 'w1'),
      windowId: 'w1',
      devices: { documentScanner: new SaneScanner(options) },
      journal: PrintJournal.open(dir),
      transports: ['websocket'],
    });
    agent = a;
    const connected = new Promise<void>((resolve) => a.on('state', (s) => s === 'connected' && resolve()));
    a.start();
    await connected;
    for (let i = 0; ; i++) {
      const st = must(await server.rest<DeviceStatus[]>('GET', '/api/devices/status', { token: guide }));
      if (st.some((d) => d.windowId === 'w1' && d.online && d.health.documentScanner === 'ready')) break;
      if (i > 200) throw new Error('the agent never reported its scanner');
      await new Promise((r) => setTimeout(r, 25));
    }
    const path = `/api/cases/${caseId}/materials/${encodeURIComponent('解除或终止劳动关系证明')}/scan`;
    const scan: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      const done = must(await server.rest<{ pages: number }>('POST', path, { token: clerk }));
      if (done.pages !== 1) throw new Error(`scanned ${done.pages} pages`);
      scan.push(performance.now() - t0);

      const f0 = performance.now();
      const alone = spawnSync('scanimage', scanimageArgs(options), { maxBuffer: 64 * 1024 * 1024 });
      if (alone.status !== 0) throw new Error(`scanimage: ${alone.stderr.toString()}`);
      floor.push(performance.now() - f0);
    }
    const p95 = quantile(scan, 0.95);
    const f95 = quantile(floor, 0.95);
    progress(
      `scan: 扫描 → page linked p50 ${round(quantile(scan, 0.5))} ms, p95 ${round(p95)} ms; scanimage alone p50 ${round(quantile(floor, 0.5))} ms, p95 ${round(f95)} ms`,
    );
    return [
      rowAtMost(
        '扫描 (SANE test, 150 dpi) → page linked p95 (floor: the same scanimage alone)',
        p95,
        f95,
        'ms',
        TARGET,
      ),
    ];
  } finally {
    await agent?.stop(500);
    await server.close({ removeDb: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

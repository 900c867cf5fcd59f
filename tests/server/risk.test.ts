import type { RiskAlert, RiskAlertList, StaffFact } from '@onewindow/shared';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ risk: true });
});
afterAll(async () => {
  await server.close();
});

describe('risk control over REST and Socket.IO (RISK-HND-5, RISK-LIST-3, RISK-RULE-1)', () => {
  it('failed logins become an alert that reaches managers only; staff facts of it carry no detail', async () => {
    const manager = await server.login('manager1');
    const clerk = await server.login('clerk1');
    const mSock = await server.client({ token: manager });
    const cSock = await server.client({ token: clerk });
    const toManager: RiskAlert[][] = [];
    const toClerk: RiskAlert[][] = [];
    const clerkFacts: StaffFact[] = [];
    mSock.on('risk:alerts', (a) => toManager.push(a));
    cSock.on('risk:alerts', (a) => toClerk.push(a));
    cSock.on('staff:fact', (f) => clerkFacts.push(f));
    for (let i = 0; i < 5; i++) {
      const r = await server.rest('POST', '/api/auth/login', {
        body: { username: 'guide1', password: 'wrong-password-1' },
      });
      expect(r.status).toBe(401);
    }
    await expect.poll(() => toManager.flat().map((a) => a.ruleId), { timeout: 5000 }).toContain('R-LOGIN');
    const list = await server.rest<RiskAlertList>('GET', '/api/risk/alerts?q=R-LOGIN', { token: manager });
    if (!list.body.ok) throw new Error(list.body.error.message);
    expect(list.body.data.alerts).toHaveLength(1);
    expect(list.body.data.alerts[0]!.subject.kind).toBe('staff');
    // The typed name never reaches the log: the subject is the account's id.
    expect(JSON.stringify(list.body.data)).not.toContain('guide1');
    await expect
      .poll(() => clerkFacts.some((f) => f.type === 'risk:alert-raised'), { timeout: 5000 })
      .toBe(true);
    expect(toClerk).toEqual([]);
    const staffFact = clerkFacts.find((f) => f.type === 'risk:alert-raised')!;
    expect(Object.keys(staffFact.event).sort()).toEqual(['at', 'seq', 'type']);
    expect((await server.rest('GET', '/api/risk/alerts', { token: clerk })).status).toBe(403);
    const guide = await server.login('guide1');
    expect((await server.rest('GET', '/api/risk/waits', { token: guide })).status).toBe(200);
    expect((await server.rest('GET', '/api/risk/alerts', { token: guide })).status).toBe(403);
  });

  it('the list exports as XLSX with every §12.2 column; a bad rule set is refused with the path', async () => {
    const manager = await server.login('manager1');
    const res = await fetch(`${server.url}/api/risk/list/export?format=xlsx`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('风险清单')!;
    expect(ws.getRow(2).values).toEqual([
      undefined,
      '类别 Category',
      '代码 Code',
      '名称 Name',
      '描述 Description',
      '发生概率 Probability',
      '破坏程度 Severity',
      '预防措施 Prevention',
      '处置时限（工作日） Disposal days',
    ]);
    expect(ws.getRow(3).getCell(2).value).toBe('CZ-01');
    const admin = await server.login('admin');
    const bad = await server.rest('PUT', '/api/risk/rules', {
      token: admin,
      body: {
        rules: [
          {
            id: 'R-X',
            kind: 'long-wait',
            riskCode: 'CZ-04',
            mode: 'warn',
            enabled: true,
            thresholds: { minutes: 0 },
          },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('rules.0.thresholds.minutes');
    // A manager reads the rules but may not publish them.
    expect(
      (await server.rest('PUT', '/api/risk/rules', { token: manager, body: { rules: [] } })).status,
    ).toBe(403);
  });
});

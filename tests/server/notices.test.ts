/**
 * The SMS notice routes over REST (SPEC NOTE-OUT-3, NOTE-TPL-1..2): a real server on port 0,
 * real logins; a real acceptance writes the notice the manager then sees masked.
 */
import type { Ack, NoticeTemplate, NoticeView } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

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
  ok(await server.rest('POST', `/api/commands/${name}`, { token, body }));

/** guide1 issues a ticket for a time-limited item; clerk1 serves it at w1 and accepts it with a phone. */
async function acceptWithPhone(phone: string): Promise<string> {
  const guide = await server.login('guide1');
  const issued = (await cmd(guide, 'ticket:issue', { categoryId: 'A', itemCode: '512B0070200003' })) as {
    facts: { type: string; ticket?: { id: string } }[];
  };
  const ticketId = issued.facts.find((f) => f.type === 'ticket:issued')!.ticket!.id;
  const clerk = await server.login('clerk1');
  await cmd(clerk, 'window:open', { windowId: 'w1' });
  await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
  await cmd(clerk, 'ticket:start', { windowId: 'w1' });
  const slip = ok(
    await server.rest<{ case: { id: string } | null }>('POST', '/api/slips', {
      token: clerk,
      body: { ticketId, kind: 'acceptance', applicantName: '李四', contactPhone: phone, print: false },
    }),
  );
  return slip.case!.id;
}

describe('SMS notices over REST (SPEC NOTE-OUT-3, NOTE-TPL-*)', () => {
  it('NOTE-OUT-3: a manager lists the notices by status with the phone masked; other posts are refused', async () => {
    const caseId = await acceptWithPhone('139 1234 5678');
    const manager = await server.login('manager1');
    const r = await server.rest<NoticeView[]>('GET', '/api/notices?status=pending', { token: manager });
    const list = ok(r);
    expect(list.map((n) => [n.id, n.templateId, n.phoneMasked, n.params.receiptNo])).toEqual([
      [`case-accepted:${caseId}`, 'case-accepted', '139****5678', caseId],
    ]);
    expect(JSON.stringify(r.body)).not.toContain('12345678');
    expect(
      ok(await server.rest<NoticeView[]>('GET', '/api/notices?status=failed', { token: manager })),
    ).toEqual([]);
    const bad = await server.rest('GET', '/api/notices?status=lost', { token: manager });
    expect(bad.status).toBe(400);
    const clerk = await server.login('clerk1');
    expect((await server.rest('GET', '/api/notices', { token: clerk })).status).toBe(403);
  });

  it('NOTE-TPL-1 NOTE-TPL-2: the admin lists and replaces templates; unknown placeholders and bad codes are refused with the field', async () => {
    const admin = await server.login('admin');
    const list = ok(await server.rest<NoticeTemplate[]>('GET', '/api/notice-templates', { token: admin }));
    expect(list.map((t) => t.id)).toEqual([
      'booking-reminder',
      'case-accepted',
      'case-ready',
      'case-supplement',
      'otp',
      'precheck-result',
      'queue-ahead',
      'queue-called',
      'rating-link',
    ]);
    expect(list.find((t) => t.id === 'case-supplement')!.text).toContain('{materials}');
    // MOB-AUTH-2: the sign-in code's template is registered and editable like the others.
    expect(list.find((t) => t.id === 'otp')!.text).toContain('{code}');

    const put = (id: string, body: unknown, token = admin) =>
      server.rest<NoticeTemplate>('PUT', `/api/notice-templates/${id}`, { token, body });
    const text = '{itemName}已办结（{receiptNo}），请到{hallName}领取。';
    const replaced = ok(await put('case-ready', { text, operatorCode: 'SMS_2024_003' }));
    expect(replaced).toMatchObject({ id: 'case-ready', text, operatorCode: 'SMS_2024_003' });
    expect(
      ok(await server.rest<NoticeTemplate[]>('GET', '/api/notice-templates', { token: admin })).find(
        (t) => t.id === 'case-ready',
      )!.text,
    ).toBe(text);

    const unknown = await put('case-ready', { text: '请{name}到{hallName}领取', operatorCode: 'SMS_1' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.ok ? null : unknown.body.error.issues?.[0]?.message).toContain('{name}');
    const badCode = await put('case-ready', { text, operatorCode: '模板 1' });
    expect(badCode.status).toBe(400);
    expect(badCode.body.ok ? [] : badCode.body.error.issues?.map((i) => i.path)).toEqual(['operatorCode']);
    expect((await put('case-unknown', { text, operatorCode: 'SMS_1' })).status).toBe(404);
    expect(
      (await put('case-ready', { text, operatorCode: 'SMS_1' }, await server.login('manager1'))).status,
    ).toBe(403);
  });
});

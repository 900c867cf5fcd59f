import type { Ack, CaseRecord, CommandResult, SlipResult } from '@onewindow/shared';
import type { TestServer } from './server.ts';

/**
 * For tests of what happens after 受理: the clerk who took the case in marks every required
 * material still missing as 免提交 with a reason (SPEC MAT-CAP-1), so the case may leave 受理
 * (MAT-FILE-2). Throws when the server refuses.
 */
export async function waiveMissingMaterials(
  server: TestServer,
  clerkToken: string,
  caseId: string,
): Promise<void> {
  const got = await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, { token: clerkToken });
  if (!got.body.ok) throw new Error(`case ${caseId}: ${got.body.error.message}`);
  for (const m of got.body.data.materials.filter((x) => x.required && x.status === 'missing')) {
    const r: { status: number; body: Ack<unknown> } = await server.rest(
      'POST',
      `/api/cases/${caseId}/materials/${encodeURIComponent(m.name)}/waive`,
      { token: clerkToken, body: { reason: '测试：原件已在窗口核验' } },
    );
    if (!r.body.ok) throw new Error(`waive ${m.name}: ${r.body.error.message}`);
  }
}

const data = <T>(what: string, r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${what}: ${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};

/**
 * The guide issues a ticket for `itemCode` (category A), clerk1 opens w1, calls and starts it, and
 * accepts it on an acceptance slip (张三, 13800000000, not printed). Returns the case id and
 * clerk1's token.
 */
export async function acceptAtWindow(
  server: TestServer,
  itemCode: string,
): Promise<{ caseId: string; clerk: string }> {
  const cmd = async (token: string, name: string, body: unknown) =>
    data(name, await server.rest<CommandResult>('POST', `/api/commands/${name}`, { token, body }));
  const guide = await server.login('guide1');
  const issued = await cmd(guide, 'ticket:issue', { categoryId: 'A', itemCode });
  const ticketId = (issued.facts as { type: string; ticket?: { id: string } }[]).find(
    (f) => f.type === 'ticket:issued',
  )!.ticket!.id;
  const clerk = await server.login('clerk1');
  await cmd(clerk, 'window:open', { windowId: 'w1' });
  await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
  await cmd(clerk, 'ticket:start', { windowId: 'w1' });
  const slip = data(
    'slip',
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
  return { caseId: slip.case!.id, clerk };
}

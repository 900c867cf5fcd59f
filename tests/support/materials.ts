import type { Ack, CaseRecord } from '@onewindow/shared';
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

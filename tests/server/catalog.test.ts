import type { ServiceItem } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

describe('GET /api/catalog', () => {
  it('returns the demo items with their guides (办事指南), unauthenticated', async () => {
    const r = await server.rest<ServiceItem[]>('GET', '/api/catalog');
    expect(r.status).toBe(200);
    if (!r.body.ok) throw new Error(r.body.error.message);
    const items = r.body.data;
    expect(items).toHaveLength(25);
    for (const item of items) {
      expect(item.guide, item.name).toBeDefined();
      // Only a consultation (no identity needed) asks nothing to be brought.
      if (item.identityRequired !== false) expect(item.guide?.materials.length, item.name).toBeGreaterThan(0);
    }
    const benefit = items.find((i) => i.name === '失业保险金申领');
    expect(benefit?.guide).toMatchObject({ caseType: 'promised', fee: '不收费' });
    expect(benefit?.guide?.materials).toContainEqual(
      expect.objectContaining({ name: '解除或终止劳动关系证明', commonlyMissing: true }),
    );
  });
});

import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';

describe('shutdown', () => {
  it('is not held open by a browser’s idle or pre-connected sockets', async () => {
    const server = await startTestServer();
    const { port } = new URL(server.url);
    // A keep-alive connection after a request, and a pre-connected socket that never sent one
    // (Chromium opens those speculatively): neither may keep close() waiting.
    const keepAlive = connect(Number(port), '127.0.0.1');
    await new Promise<void>((r) => keepAlive.once('connect', () => r()));
    keepAlive.write('GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await new Promise<void>((r) => keepAlive.once('data', () => r()));
    const preconnected = connect(Number(port), '127.0.0.1');
    await new Promise<void>((r) => preconnected.once('connect', () => r()));
    const started = Date.now();
    await server.close();
    // In-flight requests get a grace period (1 s in tests, 5 s by default), then connections are cut.
    expect(Date.now() - started).toBeLessThan(4000);
    keepAlive.destroy();
    preconnected.destroy();
  }, 20_000);
});

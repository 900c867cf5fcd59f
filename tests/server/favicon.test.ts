/**
 * EDGE-5: the hall's icon is served for every app, at the root where browsers ask for it.
 * Real server on port 0; the icon's PNG frames are decoded with sharp (not read back from the
 * file the server serves).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** The frames of an ICO file: width and the embedded PNG bytes of each directory entry. */
function icoFrames(ico: Buffer): { size: number; png: Buffer }[] {
  expect(ico.readUInt16LE(0)).toBe(0);
  expect(ico.readUInt16LE(2)).toBe(1); // 1 = icon
  const count = ico.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const entry = 6 + 16 * i;
    const length = ico.readUInt32LE(entry + 8);
    const offset = ico.readUInt32LE(entry + 12);
    return { size: ico[entry] || 256, png: ico.subarray(offset, offset + length) };
  });
}

describe('EDGE-5 favicon', () => {
  it('answers /favicon.ico with an icon of 16, 32 and 48 px frames, cached, under the CSP', async () => {
    const res = await fetch(`${server.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const frames = icoFrames(Buffer.from(await res.arrayBuffer()));
    expect(frames.map((f) => f.size)).toEqual([16, 32, 48]);
    for (const f of frames) {
      const meta = await sharp(f.png).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', f.size, f.size]);
    }
  });

  it('answers /favicon.svg, the icon the three apps link', async () => {
    const res = await fetch(`${server.url}/favicon.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 32 32"/);
    const meta = await sharp(Buffer.from(svg)).metadata();
    expect(meta.format).toBe('svg');
  });
});

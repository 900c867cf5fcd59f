/**
 * The console's center mode served by the center (SPEC RGN-RPT-8): the hall console's own build
 * (`npm run build:console -w @onewindow/queue-server`) at `/console/`, its index marked
 * `<meta name="onewindow-mode" content="center">` so the same bundle opens the regional screens.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

export const CENTER_MODE_META = '<meta name="onewindow-mode" content="center" />';
const DEFAULT_DIST = new URL('../../console/dist', import.meta.url);

/** Mounts the console in center mode at /console (assets immutable, the index never cached). */
export function serveCenterConsole(app: Express, distUrl: URL = DEFAULT_DIST): void {
  const dist = fileURLToPath(distUrl);
  app.use(
    '/console/assets',
    express.static(join(dist, 'assets'), {
      fallthrough: false,
      setHeaders: (res) => res.setHeader('cache-control', 'public, max-age=31536000, immutable'),
    }),
  );
  app.get(['/console', '/console/{*rest}'], (_req, res) => {
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      res
        .status(503)
        .type('html')
        .send(
          '<!doctype html><meta charset="utf-8"><p>console is not built: run npm run build:console -w @onewindow/queue-server</p>',
        );
      return;
    }
    // Read per request: a build after the center started is served without a restart.
    const html = readFileSync(index, 'utf8').replace('<head>', `<head>\n    ${CENTER_MODE_META}`);
    res.setHeader('cache-control', 'no-cache');
    res.type('html').send(html);
  });
}

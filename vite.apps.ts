/**
 * The one Vite configuration of the three browser apps (display-board, kiosk/app,
 * queue-server/console): Preact, served by the queue server under `base`, built next to the
 * config into `dist/`, and a dev server that forwards REST and Socket.IO to a running server.
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type UserConfig } from 'vite';

/** The server the dev server forwards to (`npm start` listens on 8080). */
const target = process.env.ONEWINDOW_SERVER ?? 'http://localhost:8080';

/**
 * @param configUrl - the calling config's `import.meta.url` (its folder is the app's root)
 * @param base - where the queue server serves it, e.g. '/kiosk/'
 * @param warnKb - raw chunk size that warns: set well above the app's gzipped budget so a stray
 *   dependency is noticed early
 */
export function preactApp(configUrl: string, base: string, warnKb: number): UserConfig {
  return defineConfig({
    root: fileURLToPath(new URL('.', configUrl)),
    base,
    plugins: [preact({ devToolsEnabled: false, prerender: { enabled: false } })],
    build: {
      outDir: fileURLToPath(new URL('./dist', configUrl)),
      emptyOutDir: true,
      target: 'es2020',
      chunkSizeWarningLimit: warnKb,
    },
    server: { proxy: { '/api': target, '/socket.io': { target, ws: true } } },
  });
}

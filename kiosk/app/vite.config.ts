import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/** The server the dev server forwards REST and Socket.IO to (`npm start` listens on 8080). */
const target = process.env.ONEWINDOW_SERVER ?? 'http://localhost:8080';
const root = fileURLToPath(new URL('.', import.meta.url));

// The citizen kiosk: the queue server serves dist/ at /kiosk/ to each paired kiosk terminal.
export default defineConfig({
  root,
  base: '/kiosk/',
  plugins: [preact({ devToolsEnabled: false, prerender: { enabled: false } })],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    // The budget is 80 KB gzipped; a warning at 200 KB raw catches a stray dependency early.
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      '/api': target,
      '/socket.io': { target, ws: true },
    },
  },
});

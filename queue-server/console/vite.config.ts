import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/** The server the dev server forwards REST and Socket.IO to (`npm start` listens on 8080). */
const target = process.env.ONEWINDOW_SERVER ?? 'http://localhost:8080';
const root = fileURLToPath(new URL('.', import.meta.url));

// The staff console (clerk, guide, manager, admin, audit): the queue server serves dist/ at /console/.
export default defineConfig({
  root,
  base: '/console/',
  plugins: [preact({ devToolsEnabled: false, prerender: { enabled: false } })],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    // uPlot is loaded only by the manager view (dynamic import), so the main chunk stays small.
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      '/api': target,
      '/socket.io': { target, ws: true },
    },
  },
});

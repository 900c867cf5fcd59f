import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/** The server the dev server forwards REST and Socket.IO to (`npm start` listens on 8080). */
const target = process.env.ONEWINDOW_SERVER ?? 'http://localhost:8080';

// One SPA for every screen: the queue server serves dist/ at /display/ and the app picks the
// view from the paired device's kind (or `?view=board` for the public board).
export default defineConfig({
  base: '/display/',
  plugins: [preact({ devToolsEnabled: false, prerender: { enabled: false } })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // The budget is 60 KB gzipped; a warning at 150 KB raw catches a stray dependency early.
    chunkSizeWarningLimit: 150,
  },
  server: {
    proxy: {
      '/api': target,
      '/socket.io': { target, ws: true },
    },
  },
});

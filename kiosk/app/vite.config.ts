import { preactApp } from '../../vite.apps.ts';

// The citizen kiosk: the queue server serves dist/ at /kiosk/ to each paired kiosk terminal.
// The budget is 80 KB gzipped.
export default preactApp(import.meta.url, '/kiosk/', 200);

import { preactApp } from '../vite.apps.ts';

// One SPA for every screen: the queue server serves dist/ at /display/ and the app picks the
// view from the paired device's kind (or `?view=board` for the public board). The budget is
// 60 KB gzipped.
export default preactApp(import.meta.url, '/display/', 150);

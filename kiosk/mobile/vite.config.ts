import { preactApp } from '../../vite.apps.ts';

// The citizen's phone app: the queue server serves dist/ at /m/ to any phone (SPEC MOB-*).
// The budget is 40 KB gzipped for the shell; pages load on demand.
export default preactApp(import.meta.url, '/m/', 120);

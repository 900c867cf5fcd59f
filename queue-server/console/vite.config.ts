import { preactApp } from '../../vite.apps.ts';

// The staff console (clerk, guide, manager, admin, audit): the queue server serves dist/ at
// /console/. uPlot is loaded only by the manager view (dynamic import), so the main chunk stays small.
export default preactApp(import.meta.url, '/console/', 200);

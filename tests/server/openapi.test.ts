import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../queue-server/src/app/app.ts';
import { PERMISSIONS } from '../../queue-server/src/auth/permissions.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

/*
 * The route table (queue-server/src/app/route-table.ts) mounts every REST route and writes the
 * OpenAPI document, so they cannot drift: here the routes Express really has mounted are read
 * off its router and compared with /api/openapi.json, path by path, with the same permissions.
 */

type Operation = { 'x-access': string; 'x-roles': string[]; 'x-devices': string[]; security: object[] };
type Doc = { paths: Record<string, Record<string, Operation>> };

let app: App;
let doc: Doc;
/** The browser apps are static builds, not API: served at these mounts (and only there). */
const SPA_MOUNTS = ['/display', '/kiosk', '/m', '/console'];
/** Files served at the root for browsers (EDGE-5), not API: outside the route table too. */
const STATIC_FILES = ['/favicon.ico', '/favicon.svg'];

/** Every (method, path) Express routes, in OpenAPI path syntax. */
function mounted(): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack = (app.express as unknown as { router: { stack: Layer[] } }).router.stack;
  type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> } };
  for (const layer of stack) {
    if (layer.route === undefined) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const p of paths)
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on) out.push({ method, path: p.replace(/:(\w+)/g, '{$1}') });
  }
  return out;
}

beforeAll(async () => {
  app = createApp({ store: new HallStore(':memory:', TEST_KEYS), logger: pino({ level: 'silent' }) });
  const port = await app.listen(0, '127.0.0.1');
  doc = (await (await fetch(`http://127.0.0.1:${port}/api/openapi.json`)).json()) as Doc;
});
afterAll(async () => {
  await app.close();
});

describe('one route table: what is mounted is what is documented (STYLE 2, 12)', () => {
  it('every mounted route is in the OpenAPI document, and every documented one is mounted', () => {
    const routes = mounted().filter(
      (r) =>
        !SPA_MOUNTS.some((m) => r.path === m || r.path.startsWith(`${m}/`)) && !STATIC_FILES.includes(r.path),
    );
    expect(routes.length).toBeGreaterThan(60);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual(documented.sort());
    // The SPA mounts and the root's static files are the only routes outside the table.
    expect(mounted().length - routes.length).toBe(SPA_MOUNTS.length * 2 + STATIC_FILES.length);
  });

  it('every route is documented with the roles and devices of its permission in the one table', () => {
    for (const r of app.routes) {
      const op = doc.paths[r.path]?.[r.method];
      const what = `${r.method.toUpperCase()} ${r.path}`;
      expect(op, what).toBeDefined();
      expect(op!['x-access'], what).toBe(r.access);
      if (r.access === 'public') {
        expect(op!.security, what).toEqual([]);
        continue;
      }
      if (r.access === 'staff') {
        expect(op!['x-roles'], what).toEqual(['*']);
        continue;
      }
      if (r.access === 'command') continue;
      if (r.access === 'citizen' || r.access === 'citizen:identified') {
        expect(op!.security, what).toEqual([{ citizenToken: [] }]);
        continue;
      }
      const grant = PERMISSIONS[r.access];
      expect(op!['x-roles'], what).toEqual([...grant.roles]);
      expect(op!['x-devices'], what).toEqual([...grant.devices]);
    }
  });

  it('the routes the issue named are where they belong: /api/audit is for managers and admins', () => {
    expect(doc.paths['/api/audit']!.get!['x-roles']).toEqual(['manager', 'admin']);
    expect(doc.paths['/api/cases']!.get!['x-roles']).toContain('accountant');
    expect(doc.paths['/api/kiosk/tickets']!.post!['x-devices']).toEqual(['kiosk']);
    expect(doc.paths['/api/slips']!.post!['x-roles']).toEqual(['clerk', 'rights-clerk', 'manager']);
  });
});

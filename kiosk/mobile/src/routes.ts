/**
 * THE ROUTE TABLE of the phone app. A page is one line here plus one view file in `views/`:
 *
 *   { path: '/book', title: { zh: '预约', en: 'Book' }, access: 'identified',
 *     tile: { order: 10, icon: '约', hint: { zh: '预约到大厅办理的时间', en: 'Book a time at the hall' } },
 *     load: () => import('./views/BookView.tsx') },
 *
 * - `path`: the hash path (`#/book`); the view gets the query (`#/book?item=…`) as a prop.
 * - `access`: `public` (anyone), `citizen` (signed in with the SMS code: the shell shows the
 *   sign-in first and comes back), `identified` (also gave an ID number: the shell asks for it).
 * - `tile`: listed on the home page, ordered by `order` (预约 10, 网上填单 20, 线上取号 30,
 *   进度查询 40, 评价 50); `icon` is one character drawn in a round badge (no emoji: not every
 *   phone has the font). A page without `tile` is reached by a link only.
 * - `load`: the view module, loaded on demand; its default export is the page component.
 * - `param`: the path takes one more segment (`#/rate/<token>`), given to the view as `param`.
 */
import type { ComponentType } from 'preact';

export type PhoneAccess = 'public' | 'citizen' | 'identified';

/** What the shell gives every page. */
export interface PageProps {
  /** The hash's query, e.g. `receipt` of `#/progress?receipt=…`. */
  query: URLSearchParams;
  /** The path's last segment for a route with `param` (`<token>` of `#/rate/<token>`). */
  param?: string;
}

export interface PhoneRoute {
  path: string;
  title: { zh: string; en: string };
  access: PhoneAccess;
  tile?: { order: number; icon: string; hint: { zh: string; en: string } };
  param?: true;
  load: () => Promise<{ default: ComponentType<PageProps> }>;
}

export const ROUTES: readonly PhoneRoute[] = [
  {
    path: '/',
    title: { zh: '首页', en: 'Home' },
    access: 'public',
    load: () => import('./views/HomeView.tsx'),
  },
  {
    path: '/sign-in',
    title: { zh: '手机号登录', en: 'Sign in' },
    access: 'public',
    load: () => import('./views/SignInView.tsx'),
  },
  {
    path: '/identity',
    title: { zh: '填写身份证号', en: 'Your ID number' },
    access: 'citizen',
    load: () => import('./views/IdentityView.tsx'),
  },
  {
    path: '/book',
    title: { zh: '预约', en: 'Book' },
    access: 'identified',
    tile: { order: 10, icon: '约', hint: { zh: '预约到大厅办理的时间', en: 'Book a time at the hall' } },
    load: () => import('./views/BookView.tsx'),
  },
  {
    path: '/form',
    title: { zh: '网上填单', en: 'Fill a form' },
    access: 'identified',
    tile: { order: 20, icon: '填', hint: { zh: '来大厅前先填好表单', en: 'Fill the form before you come' } },
    load: () => import('./views/FormView.tsx'),
  },
  {
    path: '/progress',
    title: { zh: '进度查询', en: 'Progress' },
    access: 'public',
    tile: { order: 40, icon: '查', hint: { zh: '排队、预约和办件进度', en: 'Queue, bookings and cases' } },
    load: () => import('./views/ProgressView.tsx'),
  },
  {
    path: '/queue',
    title: { zh: '线上取号', en: 'Queue online' },
    access: 'identified',
    tile: {
      order: 30,
      icon: '号',
      hint: { zh: '在手机上排队，到厅确认', en: 'Queue from your phone, confirm at the hall' },
    },
    load: () => import('./views/QueueView.tsx'),
  },
  {
    path: '/rate',
    title: { zh: '服务评价', en: 'Rate the service' },
    access: 'public',
    param: true,
    load: () => import('./views/RateView.tsx'),
  },
];

/** The route of a path (unknown paths: the home page). */
export function routeOf(path: string, routes: readonly PhoneRoute[] = ROUTES): PhoneRoute {
  return (
    routes.find((r) => r.path === path) ??
    routes.find((r) => r.param === true && paramOf(r, path) !== undefined) ??
    routes[0]!
  );
}

/** The one segment after a `param` route's path (`/rate/<token>` → `<token>`), if the path has it. */
export function paramOf(route: PhoneRoute, path: string): string | undefined {
  if (route.param !== true || !path.startsWith(`${route.path}/`)) return undefined;
  const rest = path.slice(route.path.length + 1);
  return rest !== '' && !rest.includes('/') ? rest : undefined;
}

/** The home page's tiles, in order. */
export function tiles(
  routes: readonly PhoneRoute[] = ROUTES,
): (PhoneRoute & { tile: NonNullable<PhoneRoute['tile']> })[] {
  return routes
    .filter((r): r is PhoneRoute & { tile: NonNullable<PhoneRoute['tile']> } => r.tile !== undefined)
    .sort((a, b) => a.tile.order - b.tile.order);
}

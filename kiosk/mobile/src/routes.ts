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
 */
import type { ComponentType } from 'preact';

export type PhoneAccess = 'public' | 'citizen' | 'identified';

/** What the shell gives every page. */
export interface PageProps {
  /** The hash's query, e.g. `receipt` of `#/progress?receipt=…`. */
  query: URLSearchParams;
}

export interface PhoneRoute {
  path: string;
  title: { zh: string; en: string };
  access: PhoneAccess;
  tile?: { order: number; icon: string; hint: { zh: string; en: string } };
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
];

/** The route of a path (unknown paths: the home page). */
export function routeOf(path: string, routes: readonly PhoneRoute[] = ROUTES): PhoneRoute {
  return routes.find((r) => r.path === path) ?? routes[0]!;
}

/** The home page's tiles, in order. */
export function tiles(
  routes: readonly PhoneRoute[] = ROUTES,
): (PhoneRoute & { tile: NonNullable<PhoneRoute['tile']> })[] {
  return routes
    .filter((r): r is PhoneRoute & { tile: NonNullable<PhoneRoute['tile']> } => r.tile !== undefined)
    .sort((a, b) => a.tile.order - b.tile.order);
}

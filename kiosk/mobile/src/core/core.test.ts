/**
 * The phone app's core, pure parts (SPEC MOB-UI-2, MOB-UI-3): the store's reducer and what it
 * keeps, hash routing, where a guard returns to, the route table's tiles, refusals in Chinese.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES, routeOf, tiles } from '../routes.ts';
import { nextOf } from '../views/common.tsx';
import { errorText } from './errors.ts';
import { hashOf, parseHash } from './router.ts';
import { createPhoneStore, type PhoneState, reduce } from './store.ts';

class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}
const storage = () => new MemoryStorage() as unknown as Storage & MemoryStorage;
const session = { token: 't', phoneMasked: '139****5678', idMasked: null, expiresAt: 2_000 };

describe('the phone store (MOB-UI-3)', () => {
  it('keeps the language, 大字 and the session, and drops an expired session on load', () => {
    const s = storage();
    const store = createPhoneStore(s, 1_000);
    store.dispatch({ type: 'lang', lang: 'en' });
    store.dispatch({ type: 'big', big: true });
    store.dispatch({ type: 'signed-in', session });
    expect(JSON.parse(s.data.get('onewindow.phone')!)).toEqual({ lang: 'en', big: true, session });
    expect(createPhoneStore(s, 1_999).get().session).toEqual(session);
    expect(createPhoneStore(s, 2_000).get()).toMatchObject({ lang: 'en', big: true, session: null });
  });

  it('a no-op action keeps the same state object; sign-out and the ID binding change only the session', () => {
    const base: PhoneState = { lang: 'zh', big: false, session, hall: null };
    expect(reduce(base, { type: 'lang', lang: 'zh' })).toBe(base);
    const bound = reduce(base, {
      type: 'me',
      me: { phoneMasked: '139****5678', idMasked: '340***********001X', expiresAt: 2_000 },
    });
    expect(bound.session).toEqual({ ...session, idMasked: '340***********001X' });
    expect(reduce(bound, { type: 'signed-out' }).session).toBeNull();
    expect(reduce({ ...base, session: null }, { type: 'me', me: bound.session! }).session).toBeNull();
  });

  it('survives storage that is broken or full', () => {
    const s = storage();
    s.setItem('onewindow.phone', '{not json');
    expect(createPhoneStore(s, 0).get()).toEqual({ lang: 'zh', big: false, session: null, hall: null });
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
    } as unknown as Storage;
    const store = createPhoneStore(full, 0);
    store.dispatch({ type: 'big', big: true });
    expect(store.get().big).toBe(true);
  });
});

describe('routing (MOB-UI-2)', () => {
  it('parses and writes the hash', () => {
    const loc = parseHash('#/progress?receipt=SL202611260001');
    expect([loc.path, loc.query.get('receipt')]).toEqual(['/progress', 'SL202611260001']);
    expect(parseHash('').path).toBe('/');
    expect(hashOf('/sign-in', { next: '/progress?receipt=SL1' })).toBe(
      '#/sign-in?next=%2Fprogress%3Freceipt%3DSL1',
    );
  });

  it('a guard returns only to a path of this app', () => {
    expect(nextOf(new URLSearchParams('next=/progress?receipt=SL1'))).toEqual({
      path: '/progress',
      query: { receipt: 'SL1' },
    });
    expect(nextOf(new URLSearchParams('next=//evil.example/x'))).toEqual({ path: '/', query: {} });
    expect(nextOf(new URLSearchParams('next=https://evil.example'))).toEqual({ path: '/', query: {} });
    expect(nextOf(new URLSearchParams(''))).toEqual({ path: '/', query: {} });
  });

  it('the home tiles are the routes with a tile, in order; an unknown path is the home page', () => {
    const load = ROUTES[0]!.load;
    const page = (path: string, order?: number) => ({
      path,
      title: { zh: path, en: path },
      access: 'identified' as const,
      ...(order === undefined ? {} : { tile: { order, icon: '页', hint: { zh: '', en: '' } } }),
      load,
    });
    expect(tiles([page('/late', 30), page('/linked-only'), page('/early', 10)]).map((r) => r.path)).toEqual([
      '/early',
      '/late',
    ]);
    // The app's own home page: 预约, 网上填单, 线上取号, 进度查询.
    expect(tiles().map((r) => r.path)).toEqual(['/book', '/form', '/queue', '/progress']);
    expect(routeOf('/nowhere').path).toBe('/');
  });
});

describe('refusals in the citizen words', () => {
  it('prefers messageZh, then a Chinese field message, then the code; English shows the message', () => {
    expect(errorText({ code: 'RATE_LIMITED', message: 'x', messageZh: '请 30 秒后再试' }, 'zh')).toBe(
      '请 30 秒后再试',
    );
    expect(
      errorText(
        { code: 'BAD_REQUEST', message: 'x', issues: [{ path: 'phone', message: '请输入 11 位手机号码' }] },
        'zh',
      ),
    ).toBe('请输入 11 位手机号码');
    expect(
      errorText(
        { code: 'BAD_REQUEST', message: 'x', issues: [{ path: 'phone', message: 'Invalid input' }] },
        'zh',
      ),
    ).toBe('请求内容有误');
    expect(errorText({ code: 'UNAVAILABLE', message: 'network error' }, 'zh', 0)).toBe(
      '网络连接失败，请检查网络后重试',
    );
    expect(errorText({ code: 'NOT_FOUND', message: 'no such case' }, 'en')).toBe('no such case');
  });
});

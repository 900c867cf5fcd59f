/** Choosing the business: categories → items, or the pinyin-initials search. */
import { itemName, type ServiceItem } from '@onewindow/shared/catalog.ts';
import type { Controller } from '../core/controller.ts';
import { categoryWait, countEn, useLang, useT } from '../core/i18n.ts';
import { itemAllowed, searchItems } from '../core/search.ts';
import type { KioskState, KioskStore } from '../core/store.ts';
import { ItemBadges, PersonBanner } from './common.tsx';
import { Keypad, type KeypadKey, LETTER_KEYS } from './Keypad.tsx';
import './ChooseScreens.css';

type Props = { state: KioskState; store: KioskStore; controller: Controller };

function allowedItems(state: KioskState): ServiceItem[] {
  return state.catalog.filter((i) => itemAllowed(i, state.anonymous));
}

export function CategoriesScreen({ state, store }: Props) {
  const t = useT();
  const ctx = state.context;
  if (ctx === null) return null;
  const items = allowedItems(state);
  const categories = ctx.categories.filter((c) => items.some((i) => i.categoryId === c.id));
  return (
    <section class="screen" data-testid="screen-categories" aria-labelledby="cat-title">
      <PersonBanner person={state.person} anonymous={state.anonymous} seniorAge={ctx.seniorAge} />
      <div class="screen-head">
        <h1 id="cat-title">{t('请选择业务类别', 'Choose a kind of service')}</h1>
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="open-search"
          onClick={() => store.dispatch({ type: 'go', screen: 'search' })}
        >
          {t('拼音首字母搜索', 'Search by pinyin initials')}
        </button>
      </div>
      <div class="tiles">
        {categories.map((c) => {
          const e = state.estimates.find((x) => x.categoryId === c.id);
          const n = items.filter((i) => i.categoryId === c.id).length;
          return (
            <button
              key={c.id}
              type="button"
              class="tile tile-category"
              data-testid={`category-${c.id}`}
              onClick={() => store.dispatch({ type: 'category', categoryId: c.id })}
            >
              <span class="tile-prefix" aria-hidden="true">
                {c.prefix || c.id}
              </span>
              <span class="tile-main">
                <span class="tile-name">{t(c.name, c.nameEn)}</span>
                <span class="tile-sub num">
                  {t(`${n} 项业务`, countEn(n, 'service'))} ·{' '}
                  {t(`等候 ${e?.waiting ?? 0} 人`, `${e?.waiting ?? 0} waiting`)} · {categoryWait(t, e)}
                </span>
              </span>
            </button>
          );
        })}
      </div>
    </section>
  );
}

function ItemList({
  items,
  controller,
  empty,
}: {
  items: ServiceItem[];
  controller: Controller;
  empty: string;
}) {
  const lang = useLang();
  if (items.length === 0) return <p class="empty">{empty}</p>;
  return (
    <ul class="item-list">
      {items.map((item) => (
        <li key={item.code}>
          <button
            type="button"
            class="tile tile-item"
            data-testid={`item-${item.code}`}
            onClick={() => controller.chooseItem(item)}
          >
            <span class="tile-name">{itemName(item, lang)}</span>
            <ItemBadges item={item} />
          </button>
        </li>
      ))}
    </ul>
  );
}

export function ItemsScreen({ state, store, controller }: Props) {
  const t = useT();
  const ctx = state.context;
  if (ctx === null) return null;
  const category = ctx.categories.find((c) => c.id === state.categoryId);
  const items = allowedItems(state).filter((i) => i.categoryId === state.categoryId);
  return (
    <section class="screen" data-testid="screen-items" aria-labelledby="items-title">
      <PersonBanner person={state.person} anonymous={state.anonymous} seniorAge={ctx.seniorAge} />
      <div class="screen-head">
        <h1 id="items-title">
          {category ? t(category.name, category.nameEn) : ''} · {t('请选择业务', 'choose the service')}
        </h1>
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="back-categories"
          onClick={() => store.dispatch({ type: 'go', screen: 'categories' })}
        >
          {t('返回上一步', 'Back')}
        </button>
      </div>
      <ItemList
        items={items}
        controller={controller}
        empty={t('没有可办理的业务', 'Nothing to choose here')}
      />
    </section>
  );
}

export function SearchScreen({ state, store, controller }: Props) {
  const t = useT();
  const ctx = state.context;
  if (ctx === null) return null;
  const hits = searchItems(allowedItems(state), state.search);
  const press = (k: KeypadKey) => {
    const v = state.search;
    store.dispatch({
      type: 'search',
      text: k === 'back' ? v.slice(0, -1) : k === 'clear' ? '' : v.length < 12 ? v + k.toLowerCase() : v,
    });
  };
  return (
    <section class="screen search" data-testid="screen-search" aria-labelledby="search-title">
      <PersonBanner person={state.person} anonymous={state.anonymous} seniorAge={ctx.seniorAge} />
      <div class="screen-head">
        <h1 id="search-title">{t('按拼音首字母搜索', 'Search by pinyin initials')}</h1>
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="back-categories"
          onClick={() => store.dispatch({ type: 'go', screen: 'categories' })}
        >
          {t('按类别选择', 'Choose by kind')}
        </button>
      </div>
      <p class="search-hint">
        {t('例如“参保登记”输入 C B D J', 'For example 参保登记 (cān bǎo dēng jì) is C B D J')}
      </p>
      <div class="search-body">
        <div class="search-results" aria-live="polite">
          <output class="id-display num search-query" data-testid="search-query">
            {state.search === '' ? '\u00a0' : state.search.toUpperCase()}
          </output>
          {state.search !== '' && (
            <ItemList
              items={hits.slice(0, 8)}
              controller={controller}
              empty={t('没有找到，请检查字母或按类别选择', 'No match: check the letters or choose by kind')}
            />
          )}
        </div>
        <Keypad
          keys={LETTER_KEYS}
          onKey={press}
          testId="letter-key"
          columns={7}
          label={t('字母键盘', 'Letter keypad')}
        />
      </div>
    </section>
  );
}

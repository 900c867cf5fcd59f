/**
 * The service catalog (事项清单, SPEC ADM-1..3, KSK-3): the kiosk's view with pinyin initials, and
 * the admin's edits (one item, a delete, a whole import checked row by row), each audited.
 */
import {
  type ApiError,
  catalogIssueZh,
  citizenCatalog,
  type ServiceItem,
  serviceItemSchema,
} from '@onewindow/shared';
import { pinyin } from 'pinyin-pro';
import type { AuthStore } from '../store/auth.store.ts';

/** Pinyin initials for the kiosk's letter search: 参保登记 → cbdj (SPEC KSK-3). */
export function initialsOf(name: string): string {
  const letters = name.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '');
  return pinyin(letters, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase();
}

/** One problem of a row: the path and English for integrators, Chinese for the admin (ADM-7). */
type Issue = { path: string; message: string; messageZh: string };
type Result<T> = { ok: true; data: T; created?: boolean } | { ok: false; error: ApiError };

const refuse = (what: string, issues: Issue[]): { ok: false; error: ApiError } => ({
  ok: false,
  error: {
    code: 'BAD_REQUEST',
    message: `invalid ${what} (${issues.length} issue${issues.length === 1 ? '' : 's'}): ${issues
      .slice(0, 10)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}${issues.length > 10 ? '; …' : ''}`,
    issues,
  },
});

export class CatalogService {
  /** Initials per name, computed once (the dictionary lookup is the expensive part). */
  private readonly memo = new Map<string, string>();

  constructor(
    private readonly deps: {
      store: AuthStore;
      /** The hall's queue categories (an item must name one), or undefined before configuration. */
      categoryIds: () => string[] | undefined;
      audit: (actor: string, action: string, target: string | null, detail: unknown) => void;
    },
  ) {}

  /** The stored items (the admin's view, notes included). */
  items(): ServiceItem[] {
    return this.deps.store.catalog().map(withoutLegacyGuideLimit);
  }

  /**
   * The catalog as kiosks, screens and counters get it (public): each item with its pinyin
   * initials, without the admin's notes, an unverified limit without wording (SPEC ADM-6).
   */
  withInitials(): ServiceItem[] {
    return citizenCatalog(this.items()).map((i) => ({ ...i, initials: this.initials(i.name) }));
  }

  private initials(name: string): string {
    let v = this.memo.get(name);
    if (v === undefined) {
      v = initialsOf(name);
      this.memo.set(name, v);
    }
    return v;
  }

  /** ADM-1: creates or replaces one item; its code must be the path's. */
  put(actor: string, code: string, body: unknown): Result<ServiceItem> {
    const checked = this.check([body ?? {}], () => '');
    if (!checked.ok) return refuse('service item', checked.issues);
    const item = checked.items[0]!;
    if (item.code !== code)
      return refuse('service item', [
        {
          path: 'code',
          message: `the body’s code ${item.code} differs from the path’s ${code.slice(0, 64)}`,
          messageZh: `事项编码 ${item.code} 与所编辑事项的编码不一致`,
        },
      ]);
    const catalog = this.items();
    const at = catalog.findIndex((i) => i.code === code);
    if (at === -1) catalog.push(item);
    else catalog[at] = item;
    this.deps.store.transaction(() => {
      this.deps.store.replaceCatalog(catalog);
      this.deps.audit(actor, 'catalog:item-put', code, { created: at === -1, name: item.name });
    });
    return { ok: true, data: item, created: at === -1 };
  }

  /** ADM-2 */
  delete(actor: string, code: string): Result<{ deleted: string }> {
    const catalog = this.items();
    const item = catalog.find((i) => i.code === code);
    if (item === undefined)
      return { ok: false, error: { code: 'NOT_FOUND', message: `no service item ${code.slice(0, 64)}` } };
    this.deps.store.transaction(() => {
      this.deps.store.replaceCatalog(catalog.filter((i) => i.code !== code));
      this.deps.audit(actor, 'catalog:item-delete', code, { name: item.name });
    });
    return { ok: true, data: { deleted: code } };
  }

  /** ADM-3: the whole catalog, only when every row is valid and codes are unique. */
  import(actor: string, rows: readonly unknown[]): Result<{ imported: number }> {
    const checked = this.check(rows, (i) => `items.${i}.`);
    if (!checked.ok) return refuse('catalog import, nothing imported', checked.issues);
    this.deps.store.transaction(() => {
      this.deps.store.replaceCatalog(checked.items);
      this.deps.audit(actor, 'catalog:import', null, { count: checked.items.length });
    });
    return { ok: true, data: { imported: checked.items.length } };
  }

  /** Every issue of the rows, with `items.<i>.` paths, or the items when all are valid. */
  private check(
    rows: readonly unknown[],
    prefix: (i: number) => string,
  ): { ok: true; items: ServiceItem[] } | { ok: false; issues: Issue[] } {
    const issues: Issue[] = [];
    const items: ServiceItem[] = [];
    const categories = this.deps.categoryIds();
    const seen = new Map<string, number>();
    rows.forEach((row, i) => {
      const parsed = serviceItemSchema.safeParse(row);
      if (!parsed.success) {
        for (const is of parsed.error.issues)
          issues.push({
            path: `${prefix(i)}${is.path.join('.')}`.replace(/\.$/, '') || '(root)',
            message: is.message,
            messageZh: `${rowZh(i, rows.length)}${catalogIssueZh(is)}`,
          });
        return;
      }
      // Initials are computed when the catalog is served (an export carries them): not stored.
      const { initials: _initials, ...item }: ServiceItem = parsed.data;
      if (categories !== undefined && !categories.includes(item.categoryId))
        issues.push({
          path: `${prefix(i)}categoryId`,
          message: `no queue category ${item.categoryId} in the hall (${categories.join(', ')})`,
          messageZh: `${rowZh(i, rows.length)}排队类别 大厅没有类别 ${item.categoryId}（现有 ${categories.join('、')}）`,
        });
      const dup = seen.get(item.code);
      if (dup !== undefined)
        issues.push({
          path: `${prefix(i)}code`,
          message: `duplicate code ${item.code} (also row ${dup})`,
          messageZh: `${rowZh(i, rows.length)}事项编码 ${item.code} 重复（第 ${dup + 1} 行也是）`,
        });
      seen.set(item.code, i);
      items.push(item);
    });
    return issues.length > 0 ? { ok: false, issues } : { ok: true, items };
  }
}

/** An import names the row (第3行：); a single item needs no row. */
function rowZh(i: number, rows: number): string {
  return rows > 1 ? `第 ${i + 1} 行：` : '';
}

/**
 * Catalogs stored before the guide's 办理时限 became the item's own (`ServiceItem.timeLimit`)
 * carry a second copy in `guide.timeLimit` that no screen reads any more: it is dropped, so an
 * edit of the item's limit is the only one there is and an export re-imports.
 */
function withoutLegacyGuideLimit(item: ServiceItem): ServiceItem {
  if (item.guide === undefined || !('timeLimit' in item.guide)) return item;
  const { timeLimit: _copy, ...guide } = item.guide as ServiceItem['guide'] & { timeLimit?: unknown };
  return { ...item, guide };
}

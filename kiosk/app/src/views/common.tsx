/** Pieces several screens share: the identified citizen's banner and the item badges. */
import { itemName, type ServiceItem } from '@onewindow/shared/catalog.ts';
import { useLang, useT } from '../core/i18n.ts';
import type { KioskState, Person } from '../core/store.ts';

/** Only masked identity ever shows (张*三 · 110***********1234). */
export function PersonBanner({
  person,
  anonymous,
  seniorAge,
}: {
  person: Person | null;
  anonymous: boolean;
  seniorAge: number;
}) {
  const t = useT();
  if (person === null && !anonymous) return null;
  return (
    <div class="person" data-testid="person-banner">
      {person === null ? (
        <span>
          {t('未验证身份：仅可办理无需证件的业务', 'Not identified: only services that need no ID')}
        </span>
      ) : (
        <>
          <span class="person-id" data-testid="person-masked">
            {person.nameMasked !== null ? `${person.nameMasked} · ` : ''}
            <span class="num">{person.idMasked}</span>
          </span>
          {person.senior && (
            <strong class="badge badge-senior" data-testid="senior-note">
              {t(
                `${seniorAge}周岁以上老年人 · 优先办理`,
                `Aged ${seniorAge} or over · you will be served first`,
              )}
            </strong>
          )}
        </>
      )}
    </div>
  );
}

export function ItemBadges({ item }: { item: ServiceItem }) {
  const t = useT();
  return (
    <span class="badges">
      <span class={`badge ${item.kind === 'instant' ? 'badge-ok' : 'badge-info'}`}>
        {item.kind === 'instant' ? t('即办', 'Same day') : t('限时办结', 'Time-limited')}
      </span>
      {item.form !== undefined && <span class="badge badge-info">{t('可自助填表', 'Form on screen')}</span>}
      {item.identityRequired === false && <span class="badge badge-ok">{t('无需证件', 'No ID needed')}</span>}
    </span>
  );
}

/**
 * What a ticket is for, in the citizen's language: the item's name from the catalog (which
 * keeps the English), else the category's.
 */
export function useTicketWhat(
  state: Pick<KioskState, 'catalog' | 'context'>,
): (ticket: {
  itemCode: string | null;
  itemName: string | null;
  categoryId: string;
  categoryName: string;
}) => string {
  const lang = useLang();
  return (ticket) => {
    const item = ticket.itemCode === null ? undefined : state.catalog.find((i) => i.code === ticket.itemCode);
    if (item !== undefined) return itemName(item, lang);
    if (ticket.itemName !== null) return ticket.itemName;
    const category = state.context?.categories.find((c) => c.id === ticket.categoryId);
    return lang === 'en' && category?.nameEn ? category.nameEn : ticket.categoryName;
  };
}

/** Where a ticket stands, in words. */
export function statusText(
  t: (zh: string, en: string) => string,
  status: string,
  windowNumber: number | null,
): string {
  switch (status) {
    case 'waiting':
      return t('等候中', 'Waiting');
    case 'called':
      return windowNumber !== null
        ? t(`请到${windowNumber}号窗口`, `Please go to window ${windowNumber}`)
        : t('已叫号', 'Called');
    case 'serving':
      return t('正在办理', 'Being served');
    case 'parked':
      return t('暂缓办理，请留意叫号', 'On hold, listen for your number');
    case 'done':
      return t('已办结', 'Done');
    case 'no-show':
      return t('已过号，请到咨询台', 'Missed: please see the guide desk');
    default:
      return t('已取消', 'Cancelled');
  }
}

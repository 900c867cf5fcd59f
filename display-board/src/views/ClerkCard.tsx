import type { WindowClerk } from '@onewindow/shared/api-types.ts';
import { initialOf } from '../core/hall.ts';
import './ClerkCard.css';

/**
 * The clerk on duty: the photo (or the surname when none was uploaded), the name and the
 * staff number (工号), as on the badge the clerk wears.
 */
export function ClerkCard({ clerk, large = false }: { clerk: WindowClerk | null; large?: boolean }) {
  if (clerk === null)
    return (
      <div class={`clerk-card is-empty${large ? ' is-large' : ''}`} data-testid="clerk-card">
        <div class="clerk-photo" aria-hidden="true" />
        <div class="clerk-name">工作人员</div>
        <div class="clerk-number en">Staff</div>
      </div>
    );
  return (
    <div class={`clerk-card${large ? ' is-large' : ''}`} data-testid="clerk-card">
      {clerk.photoUrl ? (
        <img class="clerk-photo" src={clerk.photoUrl} alt="" data-testid="clerk-photo" />
      ) : (
        <div class="clerk-photo" aria-hidden="true">
          {initialOf(clerk.name)}
        </div>
      )}
      <div class="clerk-name" data-testid="clerk-name">
        {clerk.name}
      </div>
      <div class="clerk-number" data-testid="clerk-staff-number">
        工号 <span class="num">{clerk.staffNumber}</span>
      </div>
    </div>
  );
}

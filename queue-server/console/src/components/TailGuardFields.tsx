/**
 * The tail-guard policy's two settings (SPEC Q-ORD-7), with what they do in plain Chinese, so a
 * hall manager can tune seniors' gain against regular citizens' longest waits.
 */
import type { QueuePolicy } from '@onewindow/shared/hall.ts';

type TailGuard = Extract<QueuePolicy, { kind: 'tail-guard' }>;

export const TAIL_GUARD_DEFAULT: TailGuard = { kind: 'tail-guard', sharePercent: 50, maxBonusSeconds: 1800 };

export function TailGuardFields(props: { policy: TailGuard; onChange: (p: TailGuard) => void }) {
  const p = props.policy;
  const times = p.sharePercent === 0 ? '—' : String(Math.round((100 / p.sharePercent) * 10) / 10);
  return (
    <div class="row-gap" data-testid="tail-guard-fields">
      <label class="inline">
        保护比例（%）
        <input
          type="number"
          class="tiny"
          name="tailGuardShare"
          min={0}
          max={100}
          value={p.sharePercent}
          onInput={(e) =>
            props.onChange({
              ...p,
              sharePercent: Math.min(100, Math.max(0, Math.round(Number(e.currentTarget.value) || 0))),
            })
          }
        />
      </label>
      <label class="inline">
        最多提前（分）
        <input
          type="number"
          class="tiny"
          name="tailGuardMaxMinutes"
          min={0}
          value={Math.round(p.maxBonusSeconds / 60)}
          onInput={(e) =>
            props.onChange({
              ...p,
              maxBonusSeconds: Math.max(0, Math.round(Number(e.currentTarget.value) || 0)) * 60,
            })
          }
        />
      </label>
      <p class="dim">
        老年人等优先号只排到“等得还不久”的普通号前面：普通号已等时间达到优先号已等时间的 {times}{' '}
        倍时不再被超过，且优先号最多提前 {Math.round(p.maxBonusSeconds / 60)}{' '}
        分钟。比例越小，老年人等得越短、普通号最长等候增加越多；比例越大，越接近先到先办。
      </p>
    </div>
  );
}

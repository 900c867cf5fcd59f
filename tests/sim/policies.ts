/**
 * The order policies the simulator compares (SPEC Q-ORD-1, Q-ORD-4, Q-ORD-7), with FIFO as the
 * yardstick and the default before issue #14 (seniors 900 s) beside today's.
 */
import { DEFAULT_SETTINGS } from '../../queue-server/src/domain/settings.ts';
import type { HallSettings } from '../../queue-server/src/domain/types.ts';

export interface SimPolicy {
  name: string;
  settings: Partial<HallSettings>;
}

/** The hall's default: virtual arrival with the default bonuses (seniors 1380 s, Q-ORD-1). */
export const DEFAULT_POLICY_NAME = `virtual-arrival ${DEFAULT_SETTINGS.bonusSeconds.senior}s (default)`;

const noBonus = { regular: 0, senior: 0, appointment: 0, military: 0, disability: 0 };

export const SIM_POLICIES: SimPolicy[] = [
  { name: 'fifo', settings: { bonusSeconds: noBonus, policy: { kind: 'virtual-arrival' } } },
  {
    name: 'virtual-arrival 900s',
    settings: {
      bonusSeconds: { ...DEFAULT_SETTINGS.bonusSeconds, senior: 900 },
      policy: { kind: 'virtual-arrival' },
    },
  },
  {
    name: DEFAULT_POLICY_NAME,
    settings: { bonusSeconds: DEFAULT_SETTINGS.bonusSeconds, policy: { kind: 'virtual-arrival' } },
  },
  {
    name: 'virtual-arrival 1800s',
    settings: {
      bonusSeconds: { regular: 0, senior: 1800, appointment: 1800, military: 1800, disability: 1800 },
      policy: { kind: 'virtual-arrival' },
    },
  },
  {
    name: 'interleave 3/30min',
    settings: {
      bonusSeconds: DEFAULT_SETTINGS.bonusSeconds,
      policy: { kind: 'interleave', maxPriorityInRow: 3, regularWaitSeconds: 1800 },
    },
  },
  {
    name: 'tail-guard 50%/30min',
    settings: {
      bonusSeconds: DEFAULT_SETTINGS.bonusSeconds,
      policy: { kind: 'tail-guard', sharePercent: 50, maxBonusSeconds: 1800 },
    },
  },
];

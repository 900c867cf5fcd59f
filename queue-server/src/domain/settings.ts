import { DEFAULT_ONLINE, type OnlineSettings } from '@onewindow/shared';

export { DEFAULT_ONLINE };

import type { HallSettings } from './types.ts';

/**
 * Defaults from docs/DOMAIN rules: seniors at 60 (老年人权益保障法 §2), two recalls before a
 * no-show, a reinstated no-show three places back, A001-style numbers.
 * Bonuses are deliberately bounded (SPEC Q-ORD-3): a senior overtakes at most 23 minutes of
 * arrivals, so regular citizens are never starved. 23 minutes (1380 s, a whole minute so the
 * admin screen shows it exactly) is where the hall-day simulator found both goals of issue #14
 * met on the most days; 15 minutes met them on 2 of 7 (docs/SIMULATION.md, "The frontier").
 */
export const DEFAULT_SETTINGS: HallSettings = {
  hallName: '社会保险经办服务大厅',
  utcOffsetMinutes: 480,
  seniorAge: 60,
  bonusSeconds: { regular: 0, senior: 1380, appointment: 1200, military: 1200, disability: 1200 },
  policy: { kind: 'virtual-arrival' },
  maxRecalls: 2,
  reinstatePlaces: 3,
  maxReinstates: 2,
  numberDigits: 3,
  openingHours: { open: '09:00', close: '17:00', weekdays: [1, 2, 3, 4, 5] },
  dayCloseAt: '19:00',
  voiceTemplate: '请{号}号到{窗口}号窗口办理',
};

/** The hall's phone-channel settings, defaults filled in. */
export const onlineSettingsOf = (s: HallSettings | null | undefined): OnlineSettings => ({
  ...DEFAULT_ONLINE,
  ...(s?.online ?? {}),
});

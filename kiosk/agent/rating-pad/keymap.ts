import type { RatingPadProfile } from '@onewindow/firmware-config/schema';

export type Level = 1 | 2 | 3 | 4 | 5;

/**
 * HID keyboard usage ids (USB HID Usage Tables, page 0x07) to `KeyboardEvent.code` names, for
 * the keys rating keypads are programmed with: digits, keypad digits and F1–F12.
 */
export function hidUsageToCode(usage: number): string | null {
  if (usage >= 0x1e && usage <= 0x26) return `Digit${usage - 0x1d}`;
  if (usage === 0x27) return 'Digit0';
  if (usage >= 0x3a && usage <= 0x45) return `F${usage - 0x39}`;
  if (usage >= 0x59 && usage <= 0x61) return `Numpad${usage - 0x58}`;
  if (usage === 0x62) return 'Numpad0';
  if (usage === 0x28) return 'Enter';
  return null;
}

/**
 * Keys newly pressed in a boot-protocol keyboard report (modifier, reserved, six key slots):
 * a key held down repeats in every report, so only keys absent from the previous report count.
 */
export function newKeysInReport(report: Uint8Array, previous: Uint8Array | null): number[] {
  const now = [...report.subarray(2, 8)].filter((k) => k > 1);
  const before = new Set(previous === null ? [] : [...previous.subarray(2, 8)]);
  return now.filter((k) => !before.has(k));
}

/** The level a pad input means under this profile, or null for keys the profile does not map. */
export function levelFor(profile: RatingPadProfile, input: string | number): Level | null {
  const map = profile.keyMap as Record<string, number>;
  const candidates =
    typeof input === 'number' ? [String(input), `0x${input.toString(16).padStart(2, '0')}`] : [input.trim()];
  for (const key of Object.keys(map)) {
    if (candidates.some((c) => c.toLowerCase() === key.toLowerCase())) return map[key] as Level;
  }
  return null;
}

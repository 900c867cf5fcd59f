import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { loadFirmwareConfig } from '@onewindow/firmware-config';
import type { RatingPadProfile } from '@onewindow/firmware-config/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEBOUNCE_MS, type PadSource, RatingPadDriver } from './driver.ts';
import { hidUsageToCode, levelFor, newKeysInReport } from './keymap.ts';
import { SimulatedPadSource } from './sources.ts';

let pads: RatingPadProfile[] = [];
beforeAll(() => {
  const loaded = loadFirmwareConfig(join(import.meta.dirname, '..', '..', '..', 'firmware-config'));
  if (loaded.errors.length > 0) throw new Error(JSON.stringify(loaded.errors));
  pads = Object.values(loaded.config.devices).filter((d): d is RatingPadProfile => d.class === 'rating-pad');
});

function drive(profile: RatingPadProfile, clock = { t: 0 }) {
  const source = new SimulatedPadSource(profile);
  const driver = new RatingPadDriver(profile, source, () => clock.t);
  const levels: number[] = [];
  const ignored: string[] = [];
  driver.on('rating', (l: number) => levels.push(l));
  driver.on('ignored', (x: string) => ignored.push(x));
  return { source, driver, levels, ignored, clock };
}

describe('rating pad keymaps', () => {
  it('maps HID usages to key codes', () => {
    expect([0x1e, 0x22, 0x27, 0x3a, 0x3e, 0x59].map(hidUsageToCode)).toEqual([
      'Digit1',
      'Digit5',
      'Digit0',
      'F1',
      'F5',
      'Numpad1',
    ]);
    expect(hidUsageToCode(0x04)).toBeNull();
  });

  it('counts a held key once across repeated keyboard reports', () => {
    const down = Uint8Array.from([0, 0, 0x22, 0, 0, 0, 0, 0]);
    expect(newKeysInReport(down, null)).toEqual([0x22]);
    expect(newKeysInReport(down, down)).toEqual([]);
    expect(newKeysInReport(new Uint8Array(8), down)).toEqual([]);
  });

  it('every shipped pad profile maps its five keys to levels 5..1 through its own transport', () => {
    expect(pads.length).toBeGreaterThanOrEqual(3);
    for (const profile of pads) {
      const { source, levels, clock } = drive(profile);
      for (const level of [5, 4, 3, 2, 1] as const) {
        clock.t += DEBOUNCE_MS;
        source.press(level);
      }
      expect(levels, profile.id).toEqual([5, 4, 3, 2, 1]);
    }
  });

  it('ignores keys the profile does not map and presses within the debounce time', () => {
    const fkeys = pads.find((p) => p.id === 'keypad-5key-fkeys')!;
    const { source, levels, ignored, clock } = drive(fkeys);
    (source as EventEmitter).emit('report', Uint8Array.from([0, 0, 0x04, 0, 0, 0, 0, 0])); // 'A'
    (source as EventEmitter).emit('report', Uint8Array.from([0, 0, 0x22, 0, 0, 0, 0, 0])); // Digit5, unmapped here
    source.press(1);
    clock.t += DEBOUNCE_MS - 1;
    source.press(5);
    clock.t += 1;
    source.press(5);
    expect(levels).toEqual([1, 5]);
    expect(ignored).toEqual(['usage 0x4', 'Digit5']);
    expect(levelFor(fkeys, 'F9')).toBeNull();
  });

  it('serial pads map whole lines, trimmed, and pass transport errors on', () => {
    const serial = pads.find((p) => p.transport.kind === 'serial')!;
    const source = new EventEmitter() as EventEmitter & PadSource;
    source.close = async () => undefined;
    const driver = new RatingPadDriver(serial, source, () => 0);
    const got: unknown[] = [];
    driver.on('rating', (l) => got.push(l));
    driver.on('error', (e: Error) => got.push(e.message));
    source.emit('line', ' 2 ');
    source.emit('error', new Error('port unplugged'));
    expect(got).toEqual([2, 'port unplugged']);
  });
});

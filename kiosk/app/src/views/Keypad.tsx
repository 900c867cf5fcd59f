import { useT } from '../core/i18n.ts';
import './Keypad.css';

export type KeypadKey = string | 'back' | 'clear';

/**
 * An on-screen keypad: digits (with X for ID numbers), or letters. `back` and `clear` are
 * spelled out in words, never icons alone, so everyone understands them.
 */
export function Keypad({
  keys,
  onKey,
  testId,
  columns = 3,
  label,
  variant,
}: {
  keys: readonly KeypadKey[];
  onKey: (key: KeypadKey) => void;
  testId: string;
  columns?: number;
  label: string;
  /** A layout of the screen's CSS: `id` is the ID keypad (清空 as a tall key right of the digits). */
  variant?: 'id';
}) {
  const t = useT();
  return (
    <fieldset
      class={variant ? `keypad keypad-${variant}` : 'keypad'}
      // The column count as a variable: a screen's CSS may lay the keys out otherwise (IdentifyScreen.css).
      style={`--keypad-columns: ${columns}`}
      data-testid={testId}
    >
      <legend class="sr-only">{label}</legend>
      {keys.map((k, i) => (
        <button
          key={k}
          type="button"
          class={`key${k === 'back' || k === 'clear' ? ' key-action' : ''}${
            // A key left alone on the last row takes the whole row (the ID keypad's 清空).
            i === keys.length - 1 && keys.length % columns === 1 ? ' key-row' : ''
          }`}
          data-testid={`${testId}-${k}`}
          onClick={() => onKey(k)}
        >
          {k === 'back' ? t('删除', 'Delete') : k === 'clear' ? t('清空', 'Clear') : k}
        </button>
      ))}
    </fieldset>
  );
}

/** Digits, X, 删除 and 清空: a wrong number is cleared in one tap, not eighteen. */
export const ID_KEYS: readonly KeypadKey[] = [
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  'X',
  '0',
  'back',
  'clear',
];
export const DIGIT_KEYS: readonly KeypadKey[] = [
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  'clear',
  '0',
  'back',
];
export const LETTER_KEYS: readonly KeypadKey[] = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''), 'clear', 'back'];

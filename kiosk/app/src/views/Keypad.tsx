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
}: {
  keys: readonly KeypadKey[];
  onKey: (key: KeypadKey) => void;
  testId: string;
  columns?: number;
  label: string;
}) {
  const t = useT();
  return (
    <fieldset
      class="keypad"
      style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
      data-testid={testId}
    >
      <legend class="sr-only">{label}</legend>
      {keys.map((k) => (
        <button
          key={k}
          type="button"
          class={`key${k === 'back' || k === 'clear' ? ' key-action' : ''}`}
          data-testid={`${testId}-${k}`}
          onClick={() => onKey(k)}
        >
          {k === 'back' ? t('删除', 'Delete') : k === 'clear' ? t('清空', 'Clear') : k}
        </button>
      ))}
    </fieldset>
  );
}

export const ID_KEYS: readonly KeypadKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'X', '0', 'back'];
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

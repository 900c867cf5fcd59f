/** Small parts the phone's pages share: a labelled field, a refusal, where to go after a step. */
import type { ApiError } from '@onewindow/shared/protocol.ts';
import { errorText } from '../core/errors.ts';
import { useLang } from '../core/i18n.ts';

/** A labelled text input, large and with its hint under it. */
export function Field(props: {
  label: string;
  hint?: string;
  testid: string;
  value: string;
  onValue: (v: string) => void;
  inputMode?: 'numeric' | 'text' | 'tel';
  autoComplete?: string;
  autoCapitalize?: 'characters' | 'off';
  maxLength?: number;
}) {
  return (
    <label class="field">
      <span class="field-label">{props.label}</span>
      <input
        data-testid={props.testid}
        type="text"
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        autoCapitalize={props.autoCapitalize}
        spellcheck={false}
        maxLength={props.maxLength}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
      {props.hint !== undefined && <span class="field-hint">{props.hint}</span>}
    </label>
  );
}

/** A refusal from the server in the citizen's words (null: nothing). */
export function ErrorNote({ error }: { error: { error: ApiError; status: number } | null }) {
  const lang = useLang();
  if (error === null) return null;
  return (
    <p class="notice notice-error" role="alert" data-testid="error">
      {errorText(error.error, lang, error.status)}
    </p>
  );
}

/**
 * The page a guard sent the citizen from (`?next=/progress`), only when it is a path of this
 * app: never an address elsewhere.
 */
export function nextOf(query: URLSearchParams): { path: string; query: Record<string, string> } {
  const raw = query.get('next') ?? '/';
  if (!raw.startsWith('/') || raw.startsWith('//')) return { path: '/', query: {} };
  const [path = '/', search = ''] = raw.split('?', 2);
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

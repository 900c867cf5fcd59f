/** Small building blocks shared by the views: panels, a flash line, a modal and a reason picker. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function Panel(props: {
  title: ComponentChildren;
  en?: string;
  actions?: ComponentChildren;
  class?: string;
  children: ComponentChildren;
  testid?: string;
}) {
  return (
    <section class={`panel ${props.class ?? ''}`} data-testid={props.testid}>
      <header class="panel-head">
        <h2>
          {props.title}
          {props.en && <span class="en">{props.en}</span>}
        </h2>
        {props.actions && <div class="panel-actions">{props.actions}</div>}
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}

export type FlashMessage = { kind: 'ok' | 'error' | 'info'; text: string } | null;

export function Flash({ message }: { message: FlashMessage }) {
  if (message === null) return null;
  return (
    <p
      class={`flash ${message.kind}`}
      role={message.kind === 'error' ? 'alert' : 'status'}
      data-testid="flash"
    >
      {message.text}
    </p>
  );
}

/** A flash line that clears itself after a while (errors stay until replaced). */
export function useFlash(): [FlashMessage, (m: FlashMessage) => void] {
  const [message, setMessage] = useState<FlashMessage>(null);
  useEffect(() => {
    if (message === null || message.kind === 'error') return;
    const t = setTimeout(() => setMessage(null), 6000);
    return () => clearTimeout(t);
  }, [message]);
  return [message, setMessage];
}

export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props.onClose]);
  return (
    <div class="modal-backdrop">
      <div class={props.wide ? 'modal wide' : 'modal'} role="dialog" aria-label={props.title}>
        <header class="panel-head">
          <h2>{props.title}</h2>
          <button type="button" class="btn small" onClick={props.onClose} aria-label="关闭 Close">
            ✕
          </button>
        </header>
        <div class="modal-body">{props.children}</div>
      </div>
    </div>
  );
}

/** Preset reasons plus 其他 (free text). Returns the chosen text through `onChange` ('' = none). */
export function ReasonPicker(props: {
  choices: string[];
  value: string;
  onChange: (v: string) => void;
  name: string;
  placeholder?: string;
}) {
  const preset = props.choices.includes(props.value);
  const [other, setOther] = useState(!preset && props.value !== '');
  return (
    <div class="reason-picker" data-testid={`reason-${props.name}`}>
      <div class="chips">
        {props.choices.map((c) => (
          <button
            key={c}
            type="button"
            class={!other && props.value === c ? 'chip on' : 'chip'}
            onClick={() => {
              setOther(false);
              props.onChange(c);
            }}
          >
            {c}
          </button>
        ))}
        <button
          type="button"
          class={other ? 'chip on' : 'chip'}
          onClick={() => {
            setOther(true);
            props.onChange('');
          }}
        >
          其他 Other
        </button>
      </div>
      {other && (
        <input
          name={props.name}
          class="wide"
          placeholder={props.placeholder ?? '请填写原因'}
          value={props.value}
          maxLength={200}
          onInput={(e) => props.onChange(e.currentTarget.value)}
        />
      )}
    </div>
  );
}

/** Figures in a row of tiles. */
export function Tiles({
  items,
}: {
  items: { label: string; en?: string; value: string | number; tone?: string }[];
}) {
  return (
    <div class="tiles">
      {items.map((i) => (
        <div class={`tile ${i.tone ?? ''}`} key={i.label} data-tile={i.en ?? i.label}>
          <div class="tile-value num">{i.value}</div>
          <div class="tile-label">
            {i.label}
            {i.en && <span class="en">{i.en}</span>}
          </div>
        </div>
      ))}
    </div>
  );
}

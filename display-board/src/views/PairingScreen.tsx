import { pair } from '@onewindow/shared/client';
import { errorMessageZh } from '@onewindow/shared/messages.ts';
import { useState } from 'preact/hooks';
import type { StoredPairing } from '../core/pairing.ts';
import './PairingScreen.css';

const CODE_LENGTH = 8;
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;

/**
 * First run: the technician types the 8-digit code an admin created for this screen on an
 * on-screen number pad (TVs and tablets have no keyboard), and the screen keeps its token.
 */
export function PairingScreen({
  notice,
  onPaired,
}: {
  notice: string | null;
  onPaired: (device: StoredPairing) => void;
}) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const press = (key: (typeof KEYS)[number]) => {
    setError(null);
    if (key === 'clear') setCode('');
    else if (key === 'back') setCode((c) => c.slice(0, -1));
    else setCode((c) => (c.length < CODE_LENGTH ? c + key : c));
  };

  const submit = async () => {
    if (code.length !== CODE_LENGTH || busy) return;
    setBusy(true);
    const r = await pair(code);
    setBusy(false);
    if (r.ok) {
      onPaired(r.device);
      return;
    }
    setCode('');
    setError(
      r.code === 'NETWORK'
        ? '无法连接服务器，请检查网络'
        : r.code === 'UNAUTHENTICATED'
          ? '配对码无效或已过期，请向管理员重新获取'
          : errorMessageZh(r.code),
    );
  };

  return (
    <div class="pairing" data-testid="pairing-screen">
      <h1>
        设备配对 <span class="en">Pair this screen</span>
      </h1>
      <p class="pairing-hint">
        请输入管理员提供的8位配对码 <span class="en">Enter the 8-digit code from the administrator</span>
      </p>
      {notice !== null && (
        <p class="pairing-notice" data-testid="pairing-notice">
          {notice}
        </p>
      )}
      <div class="pairing-code num" data-testid="pairing-code">
        {Array.from({ length: CODE_LENGTH }, (_, i) => (
          <span key={i} class={`pairing-slot${i < code.length ? ' is-filled' : ''}`}>
            {code[i] ?? ''}
          </span>
        ))}
      </div>
      <p class="pairing-error" role="alert" data-testid="pairing-error">
        {error ?? ''}
      </p>
      <div class="pairing-keys">
        {KEYS.map((k) => (
          <button
            key={k}
            type="button"
            class={`pairing-key${k.length > 1 ? ' is-action' : ''}`}
            data-testid={`pairing-key-${k}`}
            onClick={() => press(k)}
          >
            {k === 'clear' ? '清除' : k === 'back' ? '删除' : k}
          </button>
        ))}
      </div>
      <button
        type="button"
        class="pairing-submit"
        data-testid="pairing-submit"
        disabled={code.length !== CODE_LENGTH || busy}
        onClick={() => void submit()}
      >
        {busy ? '正在配对…' : '配对'} <span class="en">Pair</span>
      </button>
      <a class="pairing-public" href="?view=board" data-testid="pairing-public-board">
        打开公共叫号屏（无需配对） <span class="en">Open the public board</span>
      </a>
    </div>
  );
}

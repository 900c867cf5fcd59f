import { pair } from '@onewindow/shared/client';
import { errorMessageZh } from '@onewindow/shared/messages.ts';
import { useState } from 'preact/hooks';
import { DIGIT_KEYS, Keypad, type KeypadKey } from './Keypad.tsx';

const CODE_LENGTH = 8;

/** First run: a technician types the 8-digit code an admin created for a kiosk. */
export function Pairing({ notice, onPaired }: { notice: string | null; onPaired: (token: string) => void }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const press = (k: KeypadKey) => {
    setError(null);
    if (k === 'clear') setCode('');
    else if (k === 'back') setCode((c) => c.slice(0, -1));
    else setCode((c) => (c.length < CODE_LENGTH ? c + k : c));
  };
  const submit = async () => {
    if (code.length !== CODE_LENGTH || busy) return;
    setBusy(true);
    const r = await pair(code);
    setBusy(false);
    setCode('');
    if (!r.ok)
      return setError(
        r.code === 'NETWORK'
          ? '无法连接服务器，请检查网络'
          : r.code === 'UNAUTHENTICATED'
            ? '配对码无效或已过期，请向管理员重新获取'
            : errorMessageZh(r.code),
      );
    if (r.device.device.kind !== 'kiosk')
      return setError('这是其他设备（如显示屏）的配对码，请使用“自助机”类型的配对码');
    onPaired(r.device.deviceToken);
  };
  return (
    <main class="screen pairing" data-testid="screen-pairing" aria-labelledby="pair-title">
      <h1 id="pair-title">
        自助机配对 <span class="en">Pair this kiosk</span>
      </h1>
      <p>
        请输入管理员提供的8位配对码 <span class="en">Enter the 8-digit code from the administrator</span>
      </p>
      {notice !== null && (
        <p class="alert alert-warn" data-testid="pairing-notice">
          {notice}
        </p>
      )}
      <output class="id-display num pairing-code" data-testid="pairing-code">
        {code.padEnd(CODE_LENGTH, '·')}
      </output>
      <p class="id-error" role="alert" data-testid="pairing-error">
        {error ?? ''}
      </p>
      <div class="pairing-pad">
        <Keypad keys={DIGIT_KEYS} onKey={press} testId="pairing-key" label="配对码键盘 Pairing code keypad" />
        <button
          type="button"
          class="btn btn-primary btn-wide"
          data-testid="pairing-submit"
          disabled={code.length !== CODE_LENGTH || busy}
          onClick={() => void submit()}
        >
          {busy ? '正在配对…' : '配对 Pair'}
        </button>
      </div>
    </main>
  );
}

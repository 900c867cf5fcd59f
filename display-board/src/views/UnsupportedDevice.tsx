import type { StoredPairing } from '../core/pairing.ts';
import './PairingScreen.css';

/** A token for a kiosk or agent ended up on a display: say so and offer to pair again. */
export function UnsupportedDevice({
  device,
  onUnpair,
}: {
  device: StoredPairing['device'];
  onUnpair: () => void;
}) {
  return (
    <div class="pairing" data-testid="unsupported-device">
      <h1>
        此设备不是显示屏 <span class="en">This device is not a display</span>
      </h1>
      <p class="pairing-hint">
        {device.name}（{device.kind}） 请使用显示屏、窗口屏或评价器的配对码。
      </p>
      <button type="button" class="pairing-submit" data-testid="unpair" onClick={onUnpair}>
        重新配对 <span class="en">Pair again</span>
      </button>
    </div>
  );
}

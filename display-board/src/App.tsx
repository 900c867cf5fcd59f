import { useStore } from '@onewindow/shared/client';
import { useEffect, useState } from 'preact/hooks';
import { forgetDevice, loadDevice, routeOf, type StoredPairing, saveDevice } from './core/pairing.ts';
import { type ScreenRoute, startSession } from './core/session.ts';
import { HallBoard } from './views/HallBoard.tsx';
import { PairingScreen } from './views/PairingScreen.tsx';
import { RatingPad } from './views/RatingPad.tsx';
import { UnsupportedDevice } from './views/UnsupportedDevice.tsx';
import { WindowDisplay } from './views/WindowDisplay.tsx';

/** Picks the screen: pairing first, then the view for the paired device's kind. */
export function App() {
  const [device, setDevice] = useState<StoredPairing | null>(() => {
    // `?unpair` lets a technician start over on a screen without a keyboard.
    if (new URLSearchParams(location.search).has('unpair')) forgetDevice();
    return loadDevice();
  });
  const [notice, setNotice] = useState<string | null>(null);
  const route = routeOf(location.search, device);

  const unpair = (message: string | null) => {
    forgetDevice();
    setNotice(message);
    setDevice(null);
  };

  switch (route.kind) {
    case 'pairing':
      return (
        <PairingScreen
          notice={notice}
          onPaired={(d) => {
            saveDevice(d);
            setNotice(null);
            setDevice(d);
          }}
        />
      );
    case 'unsupported':
      return <UnsupportedDevice device={route.device} onUnpair={() => unpair(null)} />;
    default:
      return (
        <Screen
          key={`${route.kind}|${route.deviceToken}`}
          route={route}
          onUnauthorized={() =>
            unpair('此设备的配对已失效，请重新配对。 This device was unpaired; pair it again.')
          }
        />
      );
  }
}

function Screen({ route, onUnauthorized }: { route: ScreenRoute; onUnauthorized: () => void }) {
  // The parent keys this component by route, so one session lives exactly as long as it.
  const [session] = useState(() => startSession(route));
  useEffect(() => () => session.stop(), [session]);
  const unauthorized = useStore(session.store, (s) => s.unauthorized);
  useEffect(() => {
    // The public board has no token to lose; only a paired screen goes back to pairing.
    if (unauthorized && route.deviceToken !== null) onUnauthorized();
  }, [unauthorized, route.deviceToken, onUnauthorized]);

  switch (route.kind) {
    case 'board':
      return <HallBoard store={session.store} />;
    case 'window-display':
      return <WindowDisplay store={session.store} windowId={route.windowId} />;
    case 'rating-pad':
      return <RatingPad store={session.store} commands={session.commands} windowId={route.windowId} />;
  }
}

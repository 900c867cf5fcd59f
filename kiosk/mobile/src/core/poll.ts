/** Runs `load` now and every `ms` while the page is shown and visible (a phone in a pocket costs nothing). */
import { useEffect, useRef } from 'preact/hooks';

export function usePolling(load: () => void, ms: number, active: boolean): void {
  const fn = useRef(load);
  fn.current = load;
  useEffect(() => {
    if (!active) return;
    fn.current();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') fn.current();
    }, ms);
    const onShow = () => document.visibilityState === 'visible' && fn.current();
    document.addEventListener('visibilitychange', onShow);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [ms, active]);
}

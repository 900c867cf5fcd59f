/** A view loaded on first use (its own chunk), so what few staff open stays out of everyone's start. */
import type { ComponentType, VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function Lazy<P extends object>({
  load,
  props,
  fallback,
}: {
  load: () => Promise<ComponentType<P>>;
  props: P;
  /** Shown while it loads (a page-sized note by default). */
  fallback?: VNode | null;
}) {
  const [View, setView] = useState<ComponentType<P> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let alive = true;
    load().then(
      (v) => alive && setView(() => v),
      () => alive && setFailed(true),
    );
    return () => {
      alive = false;
    };
  }, [load]);
  if (failed) return <div class="center-note error">页面加载失败，请刷新 Reload the page</div>;
  if (View !== null) return <View {...props} />;
  return fallback === undefined ? <div class="center-note">载入中… Loading…</div> : fallback;
}

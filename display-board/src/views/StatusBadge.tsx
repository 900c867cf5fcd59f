import type { ConnectionStatus } from '../core/store.ts';
import './StatusBadge.css';

const TEXT: Record<Exclude<ConnectionStatus, 'live'>, { zh: string; en: string }> = {
  connecting: { zh: '正在连接', en: 'Connecting' },
  reconnecting: { zh: '正在重新连接', en: 'Reconnecting' },
};

/**
 * The connection state, discreet: nothing while live, a small pill otherwise. Screens dim
 * their data meanwhile, so nobody acts on a number that may have changed.
 */
export function StatusBadge({ status }: { status: ConnectionStatus }) {
  if (status === 'live')
    return <span class="status-badge is-live" data-testid="status-badge" data-status="live" />;
  const t = TEXT[status];
  return (
    <span class="status-badge" data-testid="status-badge" data-status={status} role="status">
      <span class="status-dot" aria-hidden="true" />
      {t.zh}… <span class="en">{t.en}</span>
    </span>
  );
}

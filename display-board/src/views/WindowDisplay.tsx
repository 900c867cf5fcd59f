import { useStore } from '@onewindow/shared/client';
import { pauseReasonLabel } from '@onewindow/shared/personal-data.ts';
import { POST_NAMES, windowAndTicket } from '../core/hall.ts';
import type { HallStore } from '../core/store.ts';
import { ClerkCard } from './ClerkCard.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import './WindowDisplay.css';

/**
 * The screen above a window: its number and post, the number being served, the clerk (name,
 * photo, 工号), or 暂停服务 with the reason while paused.
 */
export function WindowDisplay({ store, windowId }: { store: HallStore; windowId: string }) {
  const view = useStore(store, (s) => s.view);
  const status = useStore(store, (s) => s.status);
  const clerk = useStore(store, (s) => (s.clerk?.windowId === windowId ? s.clerk.clerk : null));

  if (view === null)
    return (
      <div class="wd wd-message">
        正在连接… <span class="en">Connecting…</span>
        <StatusBadge status={status} />
      </div>
    );
  const { window: w, ticket } = windowAndTicket(view, windowId);
  if (w === null)
    return (
      <div class="wd wd-message" data-testid="window-unknown">
        本窗口未配置，请联系管理员 <span class="en">This window is not configured</span>
      </div>
    );
  const post = POST_NAMES[w.post];

  return (
    <div
      class={`wd is-${w.state}${status === 'live' ? '' : ' is-stale'}`}
      data-testid="window-display"
      data-state={w.state}
    >
      <section class="wd-window">
        <div class="wd-number">
          <span class="num" data-testid="window-number">
            {w.number}
          </span>
          <small>号窗口</small>
        </div>
        <div class="wd-post" data-testid="window-post">
          {post.zh}
          <span class="en">{post.en}</span>
        </div>
      </section>

      <section class="wd-center">
        {w.state === 'paused' ? (
          <div class="wd-paused" data-testid="window-paused">
            <div class="wd-paused-title">暂停服务</div>
            {w.pauseReason !== null && w.pauseReason !== 'other' && (
              <div class="wd-paused-reason" data-testid="pause-reason">
                {pauseReasonLabel(w.pauseReason)}
                <div class="en">{pauseReasonLabel(w.pauseReason, 'en')}</div>
              </div>
            )}
            <div class="en">Service paused</div>
          </div>
        ) : w.state === 'closed' ? (
          <div class="wd-paused" data-testid="window-closed">
            <div class="wd-paused-title">暂停办理</div>
            <div class="wd-paused-reason">请到其他窗口办理</div>
            <div class="en">Window closed · please go to another window</div>
          </div>
        ) : ticket !== null ? (
          <div class="wd-serving">
            <div class="wd-label">
              {ticket.status === 'called' ? '请' : '正在办理'}
              <span class="en">{ticket.status === 'called' ? 'Calling' : 'Now serving'}</span>
            </div>
            <div
              class={`wd-ticket num${ticket.status === 'called' ? ' is-called' : ''}`}
              data-testid="current-number"
              data-status={ticket.status}
            >
              {ticket.number}
            </div>
            {ticket.status === 'called' && <div class="wd-hint">号到本窗口办理</div>}
          </div>
        ) : (
          <div class="wd-serving">
            <div class="wd-label">
              欢迎办理 <span class="en">Welcome</span>
            </div>
            <div class="wd-idle" data-testid="current-number" data-status="none">
              请等候叫号
            </div>
          </div>
        )}
      </section>

      {w.state !== 'closed' && (
        <section class="wd-clerk">
          <ClerkCard clerk={clerk} />
        </section>
      )}
      <div class="wd-status">
        <StatusBadge status={status} />
      </div>
    </div>
  );
}

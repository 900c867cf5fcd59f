import { useStore } from '@onewindow/shared/client';
import { errorMessageZh } from '@onewindow/shared/messages.ts';
import { pauseReasonLabel } from '@onewindow/shared/personal-data.ts';
import { useEffect, useReducer, useState } from 'preact/hooks';
import type { HallCommands } from '../core/connection.ts';
import { POST_NAMES } from '../core/hall.ts';
import { initialPadState, LEVELS, PAD_TIMEOUTS_MS, padReducer, REASON_NAMES, REASONS } from '../core/pad.ts';
import type { HallStore } from '../core/store.ts';
import { ClerkCard } from './ClerkCard.tsx';
import { Face } from './Face.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import './RatingPad.css';

/** Errors worth another tap: the network, not a refusal of the rating itself. */
const RETRY_CODES = new Set(['UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL']);

/**
 * The tablet facing the citizen: the clerk while idle; the five levels when the clerk
 * finishes a ticket; reasons for 不满意 and 非常不满意; a thank-you. No touch for 30 s → idle,
 * with no rating recorded.
 */
export function RatingPad({
  store,
  commands,
  windowId,
}: {
  store: HallStore;
  commands: HallCommands;
  windowId: string;
}) {
  const status = useStore(store, (s) => s.status);
  const win = useStore(store, (s) => s.view?.windows.find((w) => w.id === windowId) ?? null);
  const clerk = useStore(store, (s) => (s.clerk?.windowId === windowId ? s.clerk.clerk : null));
  const finished = useStore(store, (s) => s.finished[windowId] ?? null);
  const [pad, dispatch] = useReducer(padReducer, initialPadState);
  const [touches, setTouches] = useState(0);
  const ui = pad.ui;

  useEffect(() => {
    if (finished !== null)
      dispatch({ type: 'finished', ticket: { ticketId: finished.ticketId, number: finished.number } });
  }, [finished]);

  // Each screen but idle and sending times out; every touch starts the count again.
  useEffect(() => {
    const ms = ui.screen === 'idle' || ui.screen === 'sending' ? null : PAD_TIMEOUTS_MS[ui.screen];
    if (ms === null) return;
    const timer = setTimeout(() => dispatch({ type: 'timeout' }), ms);
    return () => clearTimeout(timer);
  }, [ui, touches]);

  useEffect(() => {
    if (ui.screen !== 'sending') return;
    let current = true;
    const { ticket, level, reasons } = ui;
    void commands
      .rate({ ticketId: ticket.ticketId, level, ...(reasons.length > 0 ? { reasons } : {}) })
      .then((ack) => {
        if (!current) return;
        if (ack.ok || ack.error.code === 'ALREADY_RATED') dispatch({ type: 'sent' });
        else
          dispatch({
            type: 'failed',
            message: errorMessageZh(ack.error.code),
            retry: RETRY_CODES.has(ack.error.code),
          });
      });
    return () => {
      current = false;
    };
  }, [ui, commands]);

  const post = win === null ? null : POST_NAMES[win.post];
  return (
    <div
      class={`pad pad-${ui.screen}`}
      data-testid="rating-pad"
      data-screen={ui.screen}
      onPointerDown={() => setTouches((n) => n + 1)}
    >
      <header class="pad-head">
        <span class="pad-window">
          {win !== null && (
            <>
              <span class="num">{win.number}</span>号窗口 {post?.zh}
            </>
          )}
        </span>
        <span class="pad-head-right">
          {ui.screen !== 'idle' && clerk !== null && (
            <span class="pad-clerk">
              {clerk.name} · 工号 <span class="num">{clerk.staffNumber}</span>
            </span>
          )}
          <StatusBadge status={status} />
        </span>
      </header>

      {ui.screen === 'idle' && (
        <main class="pad-idle" data-testid="rating-idle">
          <ClerkCard clerk={clerk} large />
          {win?.state === 'paused' ? (
            <div class="pad-paused">
              暂停服务
              {win.pauseReason !== null && win.pauseReason !== 'other' && (
                <span>（{pauseReasonLabel(win.pauseReason)}）</span>
              )}
              <span class="en">Service paused</span>
            </div>
          ) : win?.state === 'closed' ? (
            <div class="pad-paused">
              暂停办理 <span class="en">Window closed</span>
            </div>
          ) : (
            <div class="pad-hint">
              请对我的服务进行评价
              <span class="en">Please rate my service when we are done</span>
            </div>
          )}
        </main>
      )}

      {ui.screen === 'levels' && (
        <main class="pad-levels" data-testid="rating-levels">
          <h1 class="pad-title">
            请您对本次服务进行评价
            <span class="en">How was our service? (ticket {ui.ticket.number})</span>
          </h1>
          <div class="pad-buttons">
            {LEVELS.map((l) => (
              <button
                key={l.level}
                type="button"
                class="level-button"
                data-testid={`rating-level-${l.level}`}
                data-level={l.level}
                onClick={() => dispatch({ type: 'choose', level: l.level })}
              >
                <Face level={l.level} />
                <span class="level-zh">{l.zh}</span>
                <span class="en">{l.en}</span>
              </button>
            ))}
          </div>
          <ErrorLine message={ui.error} />
          <p class="pad-foot">
            号码 <span class="num">{ui.ticket.number}</span> · 30秒无操作将自动返回
          </p>
        </main>
      )}

      {ui.screen === 'reasons' && (
        <main class="pad-reasons" data-testid="rating-reasons">
          <h1 class="pad-title">
            请选择不满意的原因（可多选）
            <span class="en">What went wrong? Choose any that apply</span>
          </h1>
          <div class="reason-grid">
            {REASONS.map((r) => {
              const on = ui.reasons.includes(r);
              return (
                <button
                  key={r}
                  type="button"
                  class={`reason-button${on ? ' is-on' : ''}`}
                  aria-pressed={on}
                  data-testid={`rating-reason-${r}`}
                  data-reason={r}
                  onClick={() => dispatch({ type: 'toggle', reason: r })}
                >
                  <svg class="reason-check" viewBox="0 0 24 24" aria-hidden="true">
                    {on && (
                      <path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" stroke-width="3" />
                    )}
                  </svg>
                  {REASON_NAMES[r].zh}
                  <span class="en">{REASON_NAMES[r].en}</span>
                </button>
              );
            })}
          </div>
          <ErrorLine message={ui.error} />
          <div class="pad-actions">
            <button
              type="button"
              class="pad-back"
              data-testid="rating-back"
              onClick={() => dispatch({ type: 'back' })}
            >
              返回 <span class="en">Back</span>
            </button>
            <button
              type="button"
              class="pad-submit"
              data-testid="rating-submit"
              onClick={() => dispatch({ type: 'submit' })}
            >
              提交 <span class="en">Submit</span>
            </button>
          </div>
        </main>
      )}

      {ui.screen === 'sending' && (
        <main class="pad-message" data-testid="rating-sending">
          正在提交… <span class="en">Sending…</span>
        </main>
      )}

      {ui.screen === 'thanks' && (
        <main class="pad-message pad-thanks" data-testid="rating-thanks">
          <svg class="thanks-icon" viewBox="0 0 100 100" aria-hidden="true">
            <circle cx="50" cy="50" r="46" fill="#22c55e" />
            <path
              d="M28 52 L44 67 L73 36"
              fill="none"
              stroke="#fff"
              stroke-width="9"
              stroke-linecap="round"
            />
          </svg>
          <div>感谢您的评价！</div>
          <span class="en">Thank you for your feedback</span>
        </main>
      )}

      {ui.screen === 'error' && (
        <main class="pad-message" data-testid="rating-error">
          <div>{ui.message}</div>
          <span class="en">The rating could not be recorded</span>
        </main>
      )}
    </div>
  );
}

function ErrorLine({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <p class="pad-error" role="alert" data-testid="rating-error-line">
      {message}
    </p>
  );
}

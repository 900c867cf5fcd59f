import { useNow, useStore } from '@onewindow/shared/client';
import type { PublicSnapshot } from '@onewindow/shared/public-view.ts';
import { categoryWaitText } from '@onewindow/shared/wait.ts';
import { useRef } from 'preact/hooks';
import { type CallRow, currentCalls, hallClock, lastCalls, waitingRows } from '../core/hall.ts';
import type { HallState, HallStore } from '../core/store.ts';
import { StatusBadge } from './StatusBadge.tsx';
import './HallBoard.css';

/** Rows rendered; CSS shows as many as the orientation has room for at the readable size. */
const CURRENT_ROWS = 3;
const LAST_ROWS = 6;

/**
 * The wall board: calls in progress large (number → window), the last calls, waiting and
 * estimated wait per category, date and clock, the hall's notice. Numbers only: the public
 * view carries nothing personal.
 */
export function HallBoard({ store }: { store: HallStore }) {
  const view = useStore(store, (s) => s.view);
  const status = useStore(store, (s) => s.status);
  const voice = useStore(store, (s) => s.voice);
  const fatal = useStore(store, (s) => s.fatal);
  // Calls already on the board when it started do not flash; every later one does.
  const initialKeys = useRef<Set<string> | null>(null);
  if (initialKeys.current === null && view !== null)
    initialKeys.current = new Set(currentCalls(view, CURRENT_ROWS).map((c) => c.key));

  const current = view === null ? [] : currentCalls(view, CURRENT_ROWS);
  const last = view === null ? [] : lastCalls(view, new Set(current.map((c) => c.ticketId)), LAST_ROWS);
  const notice = view?.notice?.trim() || null;

  return (
    <div class={`board${status === 'live' ? '' : ' is-stale'}`} data-testid="hall-board">
      <header class="board-head">
        <div class="board-title">
          <div class="board-hall">{view?.hallName || '社会保险经办服务大厅'}</div>
          <div class="board-sub">
            叫号信息 <span class="en">Queue display</span>
          </div>
        </div>
        <div class="board-badges">
          <StatusBadge status={status} />
          <VoiceBadge voice={voice} />
        </div>
        <Clock />
      </header>

      {fatal !== null ? (
        <div class="board-message" data-testid="board-fatal">
          显示屏版本与服务器不一致，请联系管理员 <span class="en">Screen and server versions differ</span>
        </div>
      ) : view === null ? (
        <div class="board-message">
          正在连接叫号服务器… <span class="en">Connecting to the queue server…</span>
        </div>
      ) : (
        <>
          <main class="board-main">
            <section class="board-current" aria-label="正在呼叫">
              <h2 class="board-h">
                正在呼叫 <span class="en">Now calling</span>
              </h2>
              {current.length === 0 ? (
                <div class="current-empty" data-testid="current-empty">
                  请留意叫号 <span class="en">Please wait for your number</span>
                </div>
              ) : (
                <ol class="current-list">
                  {current.map((c) => (
                    <CurrentRow key={c.key} call={c} flash={!initialKeys.current?.has(c.key)} />
                  ))}
                </ol>
              )}
            </section>
            <section class="board-last" aria-label="最近呼叫">
              <h2 class="board-h">
                最近呼叫 <span class="en">Recent calls</span>
              </h2>
              <ol class="last-list">
                {last.map((c) => (
                  <li key={c.key} class="last-row" data-testid="last-call" data-number={c.number}>
                    <span class="last-number num" data-testid="call-number">
                      {c.number}
                    </span>
                    <Arrow />
                    <span class="last-window">
                      <span class="num" data-testid="call-window">
                        {c.windowNumber}
                      </span>
                      <small>号窗口</small>
                    </span>
                  </li>
                ))}
              </ol>
            </section>
          </main>
          <Waiting view={view} />
          {notice !== null && <Marquee text={notice} />}
        </>
      )}
    </div>
  );
}

function CurrentRow({ call, flash }: { call: CallRow; flash: boolean }) {
  const size = call.number.length <= 4 ? '' : call.number.length === 5 ? ' is-long' : ' is-longer';
  return (
    <li
      class={`current-row${flash ? ' flash' : ''}${size}`}
      data-testid="current-call"
      data-number={call.number}
      data-window={call.windowNumber}
      data-recall={call.recall ? 'true' : 'false'}
    >
      <span class="current-number num" data-testid="call-number">
        {call.number}
      </span>
      <span class="current-to">
        <Arrow />
        <small>请到</small>
      </span>
      <span class="current-window">
        <span class="num" data-testid="call-window">
          {call.windowNumber}
        </span>
        <small>号窗口</small>
      </span>
      {call.recall && (
        <span class="recall-tag" data-testid="recall-tag">
          重呼
        </span>
      )}
    </li>
  );
}

function Arrow() {
  return (
    <svg class="arrow" viewBox="0 0 48 32" aria-hidden="true">
      <path d="M2 16h36M28 4l14 12-14 12" fill="none" stroke="currentColor" stroke-width="5" />
    </svg>
  );
}

function Waiting({ view }: { view: PublicSnapshot }) {
  const rows = waitingRows(view);
  return (
    <section class="board-waiting" aria-label="等候人数">
      {rows.map((r) => {
        // The same sentence as the kiosk and the console for the same server figure (EST-1).
        const estimate = categoryWaitText(r);
        return (
          <div
            key={r.categoryId}
            class="waiting-card"
            data-testid="waiting-category"
            data-category={r.categoryId}
          >
            <div class="waiting-name">
              {r.prefix !== '' && <span class="waiting-prefix">{r.prefix}</span>}
              <span>{r.name}</span>
              <span class="en">{r.nameEn}</span>
            </div>
            <div class="waiting-estimate" data-testid="waiting-estimate">
              <span>{estimate.zh}</span>
              <span class="en">{estimate.en}</span>
            </div>
            <div class="waiting-count">
              <small>等候</small>
              <span class="num" data-testid="waiting-count">
                {r.waiting}
              </span>
              <small>人</small>
            </div>
          </div>
        );
      })}
    </section>
  );
}

function Clock() {
  const now = useNow(1000);
  const c = hallClock(now);
  return (
    <div class="board-clock" data-testid="board-clock">
      <div class="clock-date">
        {c.date} {c.weekday}
      </div>
      <div class="clock-time num">{c.time}</div>
    </div>
  );
}

function VoiceBadge({ voice }: { voice: HallState['voice'] }) {
  const parts: { zh: string; en: string }[] = [];
  if (voice.blocked) parts.push({ zh: '请点击屏幕开启声音', en: 'Tap to enable sound' });
  if (voice.status === 'no-mandarin')
    parts.push({ zh: '无普通话语音，仅提示音', en: 'No Mandarin voice: chime only' });
  if (voice.status === 'unsupported') parts.push({ zh: '不支持语音播报', en: 'No speech engine' });
  if (voice.dropped > 0)
    parts.push({ zh: `${voice.dropped}条呼叫未播报`, en: `${voice.dropped} calls not announced` });
  if (parts.length === 0) return null;
  return (
    <span
      class="voice-badge"
      data-testid="voice-badge"
      data-voice={voice.status}
      data-blocked={String(voice.blocked)}
    >
      {parts.map((p) => (
        <span key={p.zh}>
          {p.zh} <span class="en">{p.en}</span>
        </span>
      ))}
    </span>
  );
}

function Marquee({ text }: { text: string }) {
  // About 6 characters a second at this size, slow enough for older readers.
  const seconds = Math.max(12, Math.round(text.length / 6 + 10));
  return (
    <div class="board-marquee" data-testid="board-notice">
      <div class="marquee-track" style={{ animationDuration: `${seconds}s` }}>
        {text}
      </div>
    </div>
  );
}

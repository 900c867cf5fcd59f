import { createHash } from 'node:crypto';
import { LIVE_TICKET_STATUSES, ticketWaitText } from '@onewindow/shared';
import type { Hall } from '../../compose.ts';
import type { TicketStatusView } from '../../service/hall.views.ts';
import { fail, type RouteDef, route } from '../route-table.ts';

/** What a citizen's phone may know about a ticket: nothing personal, only where it stands. */
export function ticketStatusRoutes(h: Hall): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/tickets/{id}',
      summary: 'A ticket’s public status: place in line, people ahead, estimated wait, window when called',
      access: 'public',
      handle: ({ params }) => {
        const view = h.views.ticketStatus(params.id!);
        return view === null
          ? fail({ code: 'NOT_FOUND', message: 'no such ticket' })
          : { ok: true, data: view };
      },
    }),
    route({
      method: 'get',
      path: '/t/{id}',
      summary: 'Mobile status page opened from the QR code on a ticket (HTML)',
      access: 'public',
      handle: ({ params, res }) => {
        const view = h.views.ticketStatus(params.id!);
        res
          .status(view === null ? 404 : 200)
          .type('html')
          .set('Cache-Control', 'no-store')
          .set('Content-Security-Policy', STATUS_PAGE_CSP)
          .send(renderStatusPage(view, params.id!));
        return undefined;
      },
    }),
  ];
}

const STATUS_STYLE = `
:root{color-scheme:light;--ink:#1a2433;--muted:#5b6778;--brand:#0b5cad;--ok:#177245;--warn:#a35200}
*{box-sizing:border-box}body{margin:0;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:#f3f6fa}
main{max-width:30rem;margin:0 auto;padding:1.25rem}
header{font-size:1rem;color:var(--muted);text-align:center;margin:.5rem 0 1rem}
.card{background:#fff;border-radius:1rem;padding:1.5rem 1.25rem;box-shadow:0 2px 10px rgba(20,40,80,.08);text-align:center}
.cat{font-size:1.1rem;color:var(--muted)}
.num{font-size:4.5rem;font-weight:700;letter-spacing:.05em;color:var(--brand);margin:.25rem 0}
.state{font-size:1.75rem;font-weight:700;margin:.5rem 0 .25rem}
.state small,.detail small{display:block;font-size:.95rem;font-weight:400;color:var(--muted);margin-top:.15rem}
.detail{font-size:1.35rem;margin:.75rem 0 0}.seg{display:inline-block;white-space:nowrap}
.called .state,.called .detail{color:var(--ok)}.no-show .state{color:var(--warn)}
.figs{display:flex;gap:.75rem;margin:1rem 0 0}.figs div{flex:1;background:#f3f6fa;border-radius:.75rem;padding:.6rem .4rem}
.figs dt{font-size:.95rem;color:var(--muted)}.figs dt small{display:block;font-size:.8rem}.figs dd{margin:.2rem 0 0;font-size:1.25rem;font-weight:700;white-space:nowrap}
footer{font-size:.9rem;color:var(--muted);text-align:center;margin-top:1.25rem;line-height:1.6}
`;

/**
 * The page's own policy (SPEC EDGE-1): its one inline style by hash, nothing else, not even
 * script; it reloads itself with a meta refresh.
 */
const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STATUS_STYLE).digest('base64')}'`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Lets a line wrap only between clauses, never inside "12 分钟". */
const keepClauses = (s: string) =>
  s
    .split('，')
    .map((seg) => `<span class="seg">${esc(seg)}</span>`)
    .join('，');

/** The headline and the line under it, Chinese first, English second. */
export function statusText(v: TicketStatusView): {
  zh: string;
  en: string;
  detailZh: string;
  detailEn: string;
} {
  switch (v.status) {
    case 'waiting': {
      // SPEC EST-1: the same range as the kiosk, the print and the boards. "You are next" only
      // when a window that may call the ticket is open (a ticket pinned to a closed window is
      // first in its line but nobody will call it until the window opens).
      const wait = ticketWaitText(v);
      const ahead = v.ahead ?? 0;
      const callable = v.low !== null;
      return {
        zh: '等候中',
        en: 'Waiting',
        detailZh:
          ahead === 0 && callable
            ? '下一位就是您，请留意叫号'
            : `前面还有 ${ahead} 人，${callable ? (wait.zh.startsWith('约') ? `预计等候${wait.zh}` : wait.zh) : `${wait.zh}，请留意现场安排`}`,
        detailEn:
          ahead === 0 && callable
            ? 'You are next: please listen for your number'
            : `${ahead} ahead of you, ${callable ? `wait ${wait.en}` : `${wait.en}; please follow the hall's guidance`}`,
      };
    }
    case 'called':
      return {
        zh: '请到窗口办理',
        en: 'Please go to the window',
        detailZh: `请到 ${v.windowNumber ?? '—'} 号窗口办理`,
        detailEn: `Window ${v.windowNumber ?? '—'}`,
      };
    case 'serving':
      return {
        zh: '正在办理',
        en: 'Being served',
        detailZh: `${v.windowNumber ?? '—'} 号窗口`,
        detailEn: `Window ${v.windowNumber ?? '—'}`,
      };
    case 'parked':
      return {
        zh: '业务暂挂',
        en: 'On hold',
        detailZh: '材料齐全后请回到窗口继续办理',
        detailEn: 'Return to the window when your documents are ready',
      };
    case 'done':
      return {
        zh: '已办结',
        en: 'Completed',
        detailZh: '感谢您的耐心等候',
        detailEn: 'Thank you for waiting',
      };
    case 'no-show':
      return {
        zh: '已过号',
        en: 'Missed',
        detailZh: '请到咨询引导台，工作人员会为您重新安排',
        detailEn: 'Please see the guide desk to be put back in line',
      };
    case 'cancelled':
      return {
        zh: '号票已失效',
        en: 'No longer valid',
        detailZh: '如需办理，请重新取号',
        detailEn: 'Please take a new number if you still need service',
      };
  }
}

/** People ahead and the estimate as two figures (issue #13: `/t` shows both, as the kiosk does). */
function figures(v: TicketStatusView): string {
  const wait = ticketWaitText(v);
  return `<dl class="figs"><div><dt>前面等候<small>Ahead</small></dt><dd data-testid="ticket-ahead">${v.ahead ?? 0} 人</dd></div>
<div><dt>预计等候<small>Estimated wait</small></dt><dd data-testid="ticket-wait">${esc(wait.zh)}</dd></div></dl>`;
}

/** A small page for a phone: large number, one clear line, refreshes itself every 15 s. */
export function renderStatusPage(v: TicketStatusView | null, id: string): string {
  const head = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${v ? `${esc(v.number)} · 排队进度` : '排队进度'}</title>
${v !== null && LIVE_TICKET_STATUSES.includes(v.status) ? '<meta http-equiv="refresh" content="15">' : ''}
<style>${STATUS_STYLE}</style></head><body><main>`;
  if (v === null)
    return `${head}<header>排队进度 · Queue status</header><section class="card"><p class="state">未找到该号票<small>Ticket not found</small></p>
<p class="detail">请核对号票上的二维码，或到咨询引导台咨询<small>Check the QR code on your ticket or ask at the guide desk</small></p>
<p class="cat">${esc(id.slice(0, 40))}</p></section></main></body></html>`;
  const t = statusText(v);
  const taken = new Date(v.arrivedAt + 8 * 3600_000).toISOString().slice(11, 16);
  const live = LIVE_TICKET_STATUSES.includes(v.status);
  return `${head}<header>${esc(v.hallName)}</header>
<section class="card ${v.status === 'called' || v.status === 'serving' ? 'called' : v.status}" data-testid="ticket-status" data-status="${v.status}">
<p class="cat">${esc(v.categoryName)}</p>
<p class="num" data-testid="ticket-number">${esc(v.number)}</p>
<p class="state">${esc(t.zh)}<small>${esc(t.en)}</small></p>
<p class="detail" data-testid="ticket-detail">${keepClauses(t.detailZh)}<small>${esc(t.detailEn)}</small></p>
${v.status === 'waiting' ? figures(v) : ''}</section>
<footer>取号时间 ${taken} · 过号请到咨询引导台<br>${live ? '本页每 15 秒自动刷新 · Refreshes every 15 s' : ''}</footer>
</main></body></html>`;
}

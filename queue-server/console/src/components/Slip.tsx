/**
 * A slip as an A4 page (业务回单, 业务受理回执, 不予受理告知书, 一次性补正告知书), rendered from the
 * document the server returned (the same data the window's ESC/POS agent prints). The applicant's
 * name and phone are masked, as on the thermal slip. `@media print` prints only this page.
 */
import type {
  AcceptanceReceiptData,
  CompletionSlipData,
  RejectionNoticeData,
  SlipClerk,
  SlipDocument,
  SupplementNoticeData,
} from '@onewindow/shared/console.ts';
import { maskName, maskPhone } from '@onewindow/shared/mask.ts';
import type { ComponentChildren } from 'preact';
import { hallDateTime } from '../core/format.ts';

const TITLES: Record<SlipDocument['type'], string> = {
  'completion-slip': '业务回单',
  'acceptance-receipt': '业务受理回执',
  'rejection-notice': '不予受理告知书',
  'supplement-notice': '一次性补正告知书',
};

/** 2026-10-09 → 2026年10月9日 */
export function zhDate(d: string): string {
  const [y, m, day] = d.split('-');
  return `${y}年${Number(m)}月${Number(day)}日`;
}

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <tr>
      <th>{label}</th>
      <td>{children}</td>
    </tr>
  );
}

function ClerkLine({ clerk, date }: { clerk: SlipClerk; date: string }) {
  return (
    <div class="a4-sign">
      <div>
        经办人：{clerk.name}（工号 {clerk.staffNo}）
      </div>
      <div>日期：{date}</div>
      <div class="a4-seal">（业务专用章）</div>
    </div>
  );
}

export function SlipPage({ doc }: { doc: SlipDocument }) {
  const d = doc.data;
  return (
    <article class="a4" data-testid="slip-a4" data-slip-type={doc.type}>
      <header class="a4-head">
        <div class="a4-hall">{d.hallName}</div>
        <h1>{TITLES[doc.type]}</h1>
        <div class="a4-no">
          编号：<span data-testid="slip-number">{d.documentNumber}</span>
        </div>
      </header>
      {doc.type === 'completion-slip' && <Completion d={doc.data} />}
      {doc.type === 'acceptance-receipt' && <Acceptance d={doc.data} />}
      {doc.type === 'rejection-notice' && <Rejection d={doc.data} />}
      {doc.type === 'supplement-notice' && <Supplement d={doc.data} />}
      <footer class="a4-foot">咨询电话 {d.hallPhone} · 本单据由一窗通办系统生成</footer>
    </article>
  );
}

function Completion({ d }: { d: CompletionSlipData }) {
  const when = hallDateTime(d.completedAt);
  return (
    <>
      <table class="a4-table">
        <tbody>
          <Row label="申请人">{maskName(d.applicantName)}</Row>
          <Row label="办理事项">
            {d.itemName}
            {d.itemCode && <span class="dim"> （{d.itemCode}）</span>}
          </Row>
          {d.ticketNumber && <Row label="排队号">{d.ticketNumber}</Row>}
          <Row label="办理窗口">{d.windowName}</Row>
          <Row label="办结时间">{when}</Row>
          <Row label="办理结果">
            <strong data-testid="slip-result">{d.result}</strong>
          </Row>
        </tbody>
      </table>
      {d.notes && d.notes.length > 0 && (
        <ul class="a4-list">
          {d.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <p class="a4-text">您申请办理的上述业务已即时办结。请妥善保管本回单。</p>
      <ClerkLine clerk={d.clerk} date={when.slice(0, 10)} />
    </>
  );
}

function Acceptance({ d }: { d: AcceptanceReceiptData }) {
  return (
    <>
      <table class="a4-table">
        <tbody>
          <Row label="申请人">{maskName(d.applicantName)}</Row>
          <Row label="联系电话">{maskPhone(d.contactPhone)}</Row>
          <Row label="办理事项">
            {d.itemName}
            {d.itemCode && <span class="dim"> （{d.itemCode}）</span>}
          </Row>
          <Row label="申请日期">{zhDate(d.appliedOn)}</Row>
          <Row label="受理日期">{zhDate(d.acceptedOn)}</Row>
          <Row label="承诺办结时限">{d.deadline.workingDays} 个工作日</Row>
          <Row label="预计办结日期">
            <strong data-testid="slip-deadline" data-date={d.deadline.date}>
              {zhDate(d.deadline.date)}
            </strong>
          </Row>
        </tbody>
      </table>
      <h3>已收材料</h3>
      <table class="a4-table grid">
        <thead>
          <tr>
            <th>材料名称</th>
            <th>形式</th>
            <th>份数</th>
          </tr>
        </thead>
        <tbody>
          {d.materials.map((m) => (
            <tr key={m.name}>
              <td>{m.name}</td>
              <td>{m.form}</td>
              <td>{m.copies}</td>
            </tr>
          ))}
          {d.materials.length === 0 && (
            <tr>
              <td colSpan={3}>（无）</td>
            </tr>
          )}
        </tbody>
      </table>
      <p class="a4-text">
        您的申请已受理，将在 {d.deadline.workingDays} 个工作日内（法定节假日顺延）办结。进度查询：
        {d.progressQuery}
        {d.progressUrl && ` ${d.progressUrl}`}
      </p>
      <ClerkLine clerk={d.clerk} date={zhDate(d.acceptedOn)} />
    </>
  );
}

function Rejection({ d }: { d: RejectionNoticeData }) {
  return (
    <>
      <p class="a4-text">
        <strong>{maskName(d.applicantName)}</strong>：
      </p>
      <p class="a4-text">
        您于 {zhDate(d.appliedOn)} 申请办理的“{d.itemName}”，经审查，决定不予受理。理由如下：
      </p>
      <ol class="a4-list" data-testid="slip-reasons">
        {d.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ol>
      {d.legalBasis && d.legalBasis.length > 0 && (
        <>
          <h3>依据</h3>
          <ul class="a4-list">
            {d.legalBasis.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </>
      )}
      <p class="a4-text a4-remedy">{d.remedy}</p>
      <div class="a4-sign">
        <div>{d.agencyName}</div>
        <div>
          经办人：{d.clerk.name}（工号 {d.clerk.staffNo}）
        </div>
        <div>{zhDate(d.decidedOn)}</div>
        <div class="a4-seal">（业务专用章）</div>
      </div>
    </>
  );
}

function Supplement({ d }: { d: SupplementNoticeData }) {
  return (
    <>
      <p class="a4-text">
        <strong>{maskName(d.applicantName)}</strong>：
      </p>
      <p class="a4-text">
        您于 {zhDate(d.appliedOn)} 申请办理的“{d.itemName}
        ”，申请材料不齐全。现一次性告知您需要补正的全部材料如下：
      </p>
      <table class="a4-table grid" data-testid="slip-missing">
        <thead>
          <tr>
            <th>序号</th>
            <th>材料名称</th>
            <th>形式</th>
            <th>份数</th>
            <th>要求</th>
          </tr>
        </thead>
        <tbody>
          {d.missing.map((m, i) => (
            <tr key={m.name}>
              <td>{i + 1}</td>
              <td>{m.name}</td>
              <td>{m.form ?? ''}</td>
              <td>{m.copies ?? ''}</td>
              <td>{m.requirement ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="a4-text">
        请补齐上述材料后再来办理{d.supplementBy ? `（请于 ${zhDate(d.supplementBy)} 前补正）` : ''}
        。补齐材料后可直接到窗口办理，无需重新排队取号咨询。
      </p>
      <div class="a4-sign">
        <div>{d.agencyName}</div>
        <div>
          经办人：{d.clerk.name}（工号 {d.clerk.staffNo}）
        </div>
        <div>{zhDate(d.notifiedOn)}</div>
        <div class="a4-seal">（业务专用章）</div>
      </div>
    </>
  );
}

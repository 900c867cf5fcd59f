/**
 * The half-year report (LD/T 02 §12.5, SPEC HYR-*) and the service-improvement summary (§13.4,
 * IMP-*): the pure folds of domain/supervision.ts over the log, named for people (items, windows,
 * staff; never a citizen), and written as XLSX (exceljs), CSV and, for the half year, PDF
 * (pdfkit with a CJK font that is on the hall PC, embedded as a subset).
 */
import {
  type Ack,
  COMPLAINT_CHANNEL_ZH,
  type HallConfig,
  SATISFACTION_ZH,
  type ServiceItem,
} from '@onewindow/shared';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { businessDayOf } from '../domain/clock.ts';
import {
  type FollowUpLite,
  foldHalfYear,
  foldImprovement,
  type HalfYearReport,
  type ImprovementRow,
  type ImprovementSummary,
  type SupervisionFact,
} from '../domain/supervision.ts';
import type { HallStore } from '../store/hall.store.ts';
import { locateCjkFont } from './cjk-font.ts';
import type { Clock, HallService } from './hall.service.ts';
import { type Cell, type StatsTable, statsCsv } from './stats.ts';

export interface SupervisionDeps {
  store: Pick<HallStore, 'iterateEvents'> & { followUps: Pick<HallStore['followUps'], 'list'> };
  hall: HallService;
  clock: Clock;
  config: () => HallConfig | null;
  catalog: () => ServiceItem[];
  staff: (id: string) => { name: string; staffNumber: string } | undefined;
  utcOffsetMinutes: () => number;
  /** ONEWINDOW_CJK_FONT: a .ttf/.otf, or a .ttc with `#PostScriptName` (default: found on the PC). */
  cjkFont?: string | undefined;
}

export interface ExportFile {
  name: string;
  nameZh: string;
  type: string;
  body: Buffer | string;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const DISPOSITION_ZH: Record<string, string> = {
  confirmed: '确认属实',
  'false-alarm': '误报',
  rectified: '已整改',
};
const CASE_STATUS_ZH: Record<string, string> = {
  accepted: '已受理',
  'in-review': '审核中',
  reviewed: '待复核',
  supplementing: '补正中',
  approved: '待出件',
  returned: '退回',
  ready: '办结待取',
  'handed-back': '已领取',
};
const REASON_ZH: Record<string, string> = {
  attitude: '服务态度',
  efficiency: '办理效率',
  competence: '业务水平',
  waiting: '等候时间',
  other: '其他',
};
const counted = (c: Record<string, number>, zh: Record<string, string> = {}): Cell[][] =>
  Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => [zh[k] ?? k, n]);

export class SupervisionService {
  constructor(private readonly d: SupervisionDeps) {}

  private followUps(): FollowUpLite[] {
    return this.d.store.followUps.list().map((f) => ({
      ticketId: f.ticketId,
      ratedAt: f.ratedAt,
      deadline: f.deadline,
      status: f.status,
      closedAt: f.closedAt,
      rectification: f.rectification,
    }));
  }

  private facts(): Iterable<SupervisionFact> {
    return this.d.store.iterateEvents() as Iterable<SupervisionFact>;
  }

  /** HYR-1: the half-year report as figures (`2026-H2`). */
  halfYear(half: string): HalfYearReport {
    return foldHalfYear(half, this.facts(), this.followUps(), this.d.utcOffsetMinutes());
  }

  /** IMP-1: the improvement summary of a month (`2026-11`) or quarter (`2026-Q4`). */
  improvement(period: string): ImprovementSummary {
    const s = foldImprovement(period, this.facts(), this.followUps(), this.d.utcOffsetMinutes());
    const named = (rows: ImprovementRow[], label: (k: string) => string) =>
      rows.map((x) => ({ ...x, label: label(x.key) }));
    return {
      ...s,
      hall: { ...s.hall, label: '全厅' },
      byItem: named(s.byItem, this.itemLabel),
      byWindow: named(s.byWindow, this.windowLabel),
      byClerk: named(s.byClerk, this.staffLabel),
    };
  }

  /** IMP-3: the manager's measures for a period, a fact of its own. */
  recordMeasures(period: string, note: string, by: string): Ack<ImprovementSummary> {
    const r = this.d.hall.run({ type: 'improvement:record-measures' }, (uow) => {
      uow.append([{ type: 'improvement:measures-recorded', period, note, by }]);
    });
    return r.ok ? { ok: true, data: this.improvement(period) } : r;
  }

  private staffLabel = (id: string) => {
    const s = this.d.staff(id);
    return s === undefined ? id : `${s.name}（${s.staffNumber}）`;
  };
  private itemLabel = (code: string) => this.d.catalog().find((i) => i.code === code)?.name ?? code;
  private windowLabel = (id: string) => {
    const n = this.d.config()?.windows.find((w) => w.id === id)?.number;
    return n === undefined ? id : `${n}号窗口`;
  };

  /** The half-year report's tables (XLSX sheets and PDF sections). */
  halfYearTables(r: HalfYearReport): StatsTable[] {
    const a = r.alerts;
    const c = r.cases;
    return [
      {
        sheet: '概况',
        title: `${r.period.label} 风险防控半年报告（${r.period.from} 至 ${r.period.to}）`,
        columns: ['项目', '数量'],
        rows: [
          ['风险预警（条）', a.raised],
          ['预警升级至管理人员（次）', a.escalated],
          ['逾期未处置或逾期处置的预警（条）', a.overdue.length],
          ['事中拦截（次）', r.interceptions.total],
          ['主管放行（次）', r.interceptions.overrides],
          ['受理限时件（件）', c.accepted],
          ['办结限时件（件）', c.finished],
          ['按时办结（件）', c.finishedOnTime],
          ['限时件按时办结率（%）', c.onTimeRate],
          ['服务评价（次）', r.ratings.total],
          ['差评（次）', r.ratings.bad],
          ['差评回访已办结（件）', r.ratings.followUpsClosed],
          ['差评回访逾期（件）', r.ratings.followUpsOverdue],
          ['投诉登记（件）', r.complaints.registered],
          ['投诉办结（件）', r.complaints.closed],
          ['投诉属实（件）', r.complaints.upheld],
          ['投诉逾期（件）', r.complaints.overdue],
        ],
      },
      {
        sheet: '预警-按类别',
        title: '风险预警按类别',
        columns: ['类别', '条数'],
        rows: counted(a.byCategory),
      },
      { sheet: '预警-按规则', title: '风险预警按规则', columns: ['规则', '条数'], rows: counted(a.byRule) },
      {
        sheet: '拦截与放行',
        title: '事中拦截与主管放行（按规则）',
        columns: ['规则', '拦截', '放行'],
        rows: [
          ...new Set([
            ...Object.keys(r.interceptions.byRule),
            ...Object.keys(r.interceptions.overridesByRule),
          ]),
        ]
          .sort()
          .map((k) => [k, r.interceptions.byRule[k] ?? 0, r.interceptions.overridesByRule[k] ?? 0]),
      },
      {
        sheet: '处置',
        title: '预警处置结果',
        columns: ['处置', '条数'],
        rows: counted(a.dispositions, DISPOSITION_ZH),
      },
      {
        sheet: '逾期预警',
        title: '逾期预警（处置时限已过）',
        columns: ['预警编号', '规则', '风险代码', '处置时限', '处置日期'],
        rows: a.overdue.map((o) => [o.alertId, o.ruleId, o.riskCode, o.dueDay, o.disposedDay ?? '未处置']),
      },
      {
        sheet: '限时件',
        title: `限时件办理结果（按时办结率 ${c.onTimeRate ?? '—'}%）`,
        columns: ['状态', '件数'],
        rows: counted(c.byOutcome, CASE_STATUS_ZH),
      },
      {
        sheet: '评价与回访',
        title: '服务评价（按星级）',
        columns: ['星级', '次数'],
        rows: counted(r.ratings.byLevel).map(([k, n]) => [`${k}星`, n!]),
      },
      {
        sheet: '投诉',
        title: '投诉（按渠道与满意度）',
        columns: ['分类', '件数'],
        rows: [
          ...counted(r.complaints.byChannel, COMPLAINT_CHANNEL_ZH).map(([k, n]) => [`渠道：${k}`, n!]),
          ...counted(r.complaints.bySatisfaction, SATISFACTION_ZH).map(([k, n]) => [`满意度：${k}`, n!]),
        ],
      },
      {
        sheet: '风险清单',
        title: r.riskList === null ? '风险清单（期末未发布）' : `风险清单（期末版本 ${r.riskList.version}）`,
        columns: ['代码', '类别', '名称', '描述', '发生概率', '破坏程度', '预防措施', '处置时限(工作日)'],
        rows: (r.riskList?.entries ?? []).map((e) => [
          e.code,
          e.category,
          e.name,
          e.description,
          LEVEL_ZH[e.probability],
          LEVEL_ZH[e.severity],
          e.prevention,
          e.disposalDays,
        ]),
      },
    ];
  }

  /** The improvement summary's tables. */
  improvementTables(s: ImprovementSummary): StatsTable[] {
    const cols = [
      '对象',
      '评价数',
      '1星',
      '2星',
      '3星',
      '4星',
      '5星',
      '好评率(%)',
      '差评原因',
      '投诉',
      '投诉办结',
      '投诉属实',
    ];
    const line = (label: string, x: ImprovementRow): Cell[] => [
      label,
      x.ratings,
      ...['1', '2', '3', '4', '5'].map((l) => x.byLevel[l] ?? 0),
      x.goodRate,
      counted(x.badReasons, REASON_ZH)
        .map(([k, n]) => `${k}${n}`)
        .join('、'),
      x.complaints,
      x.complaintsClosed,
      x.complaintsUpheld,
    ];
    return [
      {
        sheet: '概况',
        title: `${s.period.label} 服务改进总结（${s.period.from} 至 ${s.period.to}）`,
        columns: cols,
        rows: [line('全厅', s.hall)],
      },
      {
        sheet: '按事项',
        title: '按服务事项',
        columns: cols,
        rows: s.byItem.map((x) => line(this.itemLabel(x.key), x)),
      },
      {
        sheet: '按窗口',
        title: '按窗口',
        columns: cols,
        rows: s.byWindow.map((x) => line(this.windowLabel(x.key), x)),
      },
      {
        sheet: '按人员',
        title: '按工作人员',
        columns: cols,
        rows: s.byClerk.map((x) => line(this.staffLabel(x.key), x)),
      },
      {
        sheet: '投诉结果',
        title: '投诉渠道与满意度',
        columns: ['分类', '件数'],
        rows: [
          ...counted(s.complaintOutcomes.byChannel, COMPLAINT_CHANNEL_ZH).map(([k, n]) => [`渠道：${k}`, n!]),
          ...counted(s.complaintOutcomes.bySatisfaction, SATISFACTION_ZH).map(([k, n]) => [
            `满意度：${k}`,
            n!,
          ]),
        ],
      },
      {
        sheet: '整改',
        title: '整改情况（差评回访与投诉）',
        columns: ['日期', '来源', '编号', '整改内容'],
        rows: s.rectifications.map((x) => [
          x.day,
          x.source === 'follow-up' ? '差评回访' : '投诉',
          x.ref,
          x.text,
        ]),
      },
      {
        sheet: '改进措施',
        title: '本期改进措施',
        columns: ['措施', '记录人', '记录时间'],
        rows:
          s.measures === null
            ? []
            : [
                [
                  s.measures.note,
                  this.staffLabel(s.measures.by),
                  businessDayOf(s.measures.at, this.d.utcOffsetMinutes()),
                ],
              ],
      },
    ];
  }

  async xlsx(tables: readonly StatsTable[]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.creator = 'OneWindow';
    wb.created = new Date(this.d.clock.now());
    for (const t of tables) {
      const ws = wb.addWorksheet(t.sheet);
      ws.addRow([t.title]).font = { bold: true };
      ws.addRow(t.columns).font = { bold: true };
      for (const row of t.rows) ws.addRow(row);
      ws.views = [{ state: 'frozen', ySplit: 2 }];
      ws.columns.forEach((c, i) => {
        c.width = Math.min(40, Math.max(10, (t.columns[i]?.length ?? 8) * 2 + 2));
      });
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  /** HYR-3, HYR-4: the report as a PDF with Chinese text (a subset of the CJK font embedded). */
  pdf(title: string, tables: readonly StatsTable[]): Promise<Buffer> {
    const font = locateCjkFont(this.d.cjkFont);
    const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: title, Creator: 'OneWindow' } });
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    if (font.family !== undefined) doc.registerFont('cjk', font.path, font.family);
    else doc.registerFont('cjk', font.path);
    doc.font('cjk');
    doc.fontSize(16).text(title, { align: 'center' });
    doc.moveDown();
    for (const t of tables) {
      doc.fontSize(12).text(t.title);
      doc.fontSize(9);
      if (t.rows.length === 0) doc.text('（无）');
      else {
        doc.text(t.columns.join(' ｜ '));
        for (const row of t.rows) doc.text(row.map((c) => (c === null ? '—' : String(c))).join(' ｜ '));
      }
      doc.moveDown();
    }
    doc.end();
    return done;
  }

  /** HYR-1: the half year as XLSX or PDF. */
  async exportHalfYear(half: string, format: 'xlsx' | 'pdf'): Promise<ExportFile> {
    const report = this.halfYear(half);
    const tables = this.halfYearTables(report);
    const name = `onewindow-half-year_${half}.${format}`;
    const nameZh = `风险防控半年报告_${half}.${format}`;
    if (format === 'xlsx') return { name, nameZh, type: XLSX, body: await this.xlsx(tables) };
    return { name, nameZh, type: 'application/pdf', body: await this.pdf(tables[0]!.title, tables) };
  }

  /** IMP-2: the summary as CSV (UTF-8 BOM) or XLSX. */
  async exportImprovement(period: string, format: 'csv' | 'xlsx'): Promise<ExportFile> {
    const tables = this.improvementTables(this.improvement(period));
    const name = `onewindow-improvement_${period}.${format}`;
    const nameZh = `服务改进总结_${period}.${format}`;
    return format === 'csv'
      ? { name, nameZh, type: 'text/csv; charset=utf-8', body: statsCsv(tables) }
      : { name, nameZh, type: XLSX, body: await this.xlsx(tables) };
  }
}

const LEVEL_ZH: Record<'high' | 'medium' | 'low', string> = { high: '高', medium: '中', low: '低' };

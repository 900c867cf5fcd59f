/**
 * The half-year report (SPEC HYR-*) over a hall's half year: 180 days × 2,000 tickets (each
 * issued, called, finished and rated), 40 cases a day with their steps, risk alerts, interceptions
 * and complaints, written straight into a real HallStore. The floor is a bare replay of the same
 * log (every fact read and opened, nothing done with it): the report is that replay plus the
 * fold, so its cost is stated as a ratio to it. BENCH_HALF_YEAR_DAYS shrinks the log for a smoke run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBody, HallEvent, RiskFact } from '@onewindow/shared';
import { SupervisionService } from '../../queue-server/src/service/supervision.service.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { type BenchRow, median, progress, rowAtMost } from './report.ts';

const DAYS = Number(process.env.BENCH_HALF_YEAR_DAYS ?? 180);
const TICKETS = 2000;
const CASES = 40;
const DAY_MS = 86_400_000;
const START = Date.parse('2026-07-01T09:00:00+08:00');

function* dayFacts(d: number): Generator<EventBody | RiskFact> {
  const day = new Date(START + d * DAY_MS + 8 * 3600_000).toISOString().slice(0, 10);
  for (let i = 0; i < TICKETS; i++) {
    const id = `${day}-A-${i}`;
    const w = `w${(i % 8) + 1}`;
    yield {
      type: 'ticket:issued',
      ticket: {
        id,
        businessDay: day,
        categoryId: 'A',
        itemCode: `I${i % 20}`,
        seq: i + 1,
        number: `A${String(i + 1).padStart(3, '0')}`,
        status: 'waiting',
        priorityClass: 'regular',
        arrivedAt: 0,
      } as never,
    };
    yield { type: 'ticket:called', ticketId: id, windowId: w, priorityStreak: 0 };
    yield { type: 'ticket:finished', ticketId: id, windowId: w, outcome: 'completed' };
    yield {
      type: 'ticket:rated',
      ticketId: id,
      windowId: w,
      servedBy: `s${i % 8}`,
      level: ((i % 5) + 1) as 1,
      reasons: i % 5 < 2 ? ['waiting'] : [],
      channel: 'pad',
    };
  }
  for (let c = 0; c < CASES; c++) {
    const caseId = `C${day}-${c}`;
    yield {
      type: 'case:accepted',
      caseId,
      by: 's1',
      note: null,
      to: 'accepted',
      ticketId: `${day}-A-${c}`,
      ticketNumber: 'A001',
      itemCode: 'I1',
      itemName: '事项',
      reviewLevels: 1,
      deadline: day,
      workingDays: 5,
      receivedMaterials: [],
    } as EventBody;
    yield { type: 'case:reviewed', caseId, by: 's2', note: null, to: 'approved' } as EventBody;
    yield { type: 'case:ready', caseId, by: 's1', note: null, to: 'ready' } as EventBody;
  }
  for (let a = 0; a < 5; a++) {
    const alertId = `AL${d}-${a}`;
    yield {
      type: 'risk:alert-raised',
      alertId,
      ruleId: `R${a}`,
      riskCode: 'CZ-01',
      subject: { kind: 'window', id: 'w1' },
      detail: 'bench',
      dueDay: day,
    };
    if (a % 2 === 0)
      yield { type: 'risk:alert-disposed', alertId, disposition: 'confirmed', note: '核实', by: 's9' };
  }
  yield {
    type: 'risk:intercepted',
    ruleId: 'R1',
    riskCode: 'CZ-01',
    command: 'case:approve',
    actorId: 's1',
    subject: { kind: 'case', id: 'x' },
  };
}

export async function halfYearBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-bench-hyr-'));
  const store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  try {
    progress(`  half-year: writing ${DAYS} days × ${TICKETS} tickets …`);
    let seq = 0;
    store.transaction(() =>
      store.appendEvents([
        {
          type: 'risk:list-published',
          version: 1,
          entries: [
            {
              code: 'CZ-01',
              category: '操作',
              name: '一人多岗',
              description: '—',
              probability: 'medium',
              severity: 'high',
              prevention: '—',
              disposalDays: 3,
            },
          ],
          seq: ++seq,
          at: START - DAY_MS,
        } as unknown as HallEvent,
      ]),
    );
    for (let d = 0; d < DAYS; d++) {
      const at = START + d * DAY_MS;
      const batch: HallEvent[] = [];
      let k = 0;
      for (const f of dayFacts(d)) batch.push({ ...(f as EventBody), seq: ++seq, at: at + k++ } as HallEvent);
      store.transaction(() => store.appendEvents(batch));
    }
    store.checkpoint();
    progress(`  half-year: ${seq} facts written`);
    const svc = new SupervisionService({
      store,
      hall: undefined as never,
      clock: { now: () => START + DAYS * DAY_MS },
      config: () => null,
      catalog: () => [],
      staff: () => undefined,
      utcOffsetMinutes: () => 480,
    });
    const replay: number[] = [];
    const report: number[] = [];
    let n = 0;
    for (let r = 0; r < 3; r++) {
      let t = performance.now();
      for (const _ of store.iterateEvents()) n++;
      replay.push(performance.now() - t);
      t = performance.now();
      const out = svc.halfYear('2026-H2');
      report.push(performance.now() - t);
      if (out.ratings.total !== DAYS * TICKETS)
        throw new Error(`report counted ${out.ratings.total} ratings`);
    }
    const floor = median(replay);
    const value = median(report);
    progress(
      `  half-year: bare replay ${Math.round(floor)} ms, report ${Math.round(value)} ms (${n / 3} facts)`,
    );
    return [
      rowAtMost(
        `half-year report, ${DAYS} days × ${TICKETS} tickets (floor: bare replay of the same log)`,
        value,
        floor,
        'ms',
        1.5,
      ),
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

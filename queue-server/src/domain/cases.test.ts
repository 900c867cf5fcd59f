import { STAFF_ROLES, type StaffRole } from '@onewindow/shared';
import {
  CASE_COMMAND_NAMES,
  CASE_STATUSES,
  type CaseCommandName,
  type CaseFact,
  type CaseRecord,
  type CaseStatus,
  type ReviewLevels,
} from '@onewindow/shared/cases.ts';
import { describe, expect, it } from 'vitest';
import { dutyConflict } from '../auth/permissions.ts';
import { acceptanceFact, applyCaseFact, type CaseEvent, decideCaseStep } from './cases.ts';

const MATERIALS = ['居民身份证', '申请表', '银行账户信息'];

let seq = 0;
const stamp = (f: CaseFact, at = 1000 + seq): CaseEvent => ({ ...f, seq: ++seq, at });

function opened(levels: ReviewLevels, by = 'clerk-a'): CaseRecord {
  return applyCaseFact(
    undefined,
    stamp(
      acceptanceFact({
        caseId: 'SL202611260001',
        ticketId: '20261126-A001',
        ticketNumber: 'A001',
        itemCode: 'ITEM',
        itemName: '养老保险待遇申领',
        reviewLevels: levels,
        deadline: '2026-12-24',
        workingDays: 20,
        receivedMaterials: ['居民身份证'],
        by,
      }),
    ),
  );
}

/** Takes a step that must be allowed, and folds its fact. */
function step(
  c: CaseRecord,
  type: CaseCommandName,
  actor: { id: string; roles: StaffRole[] },
  extra: { note?: string; missingMaterials?: string[] } = {},
): CaseRecord {
  const d = decideCaseStep(
    c,
    {
      type,
      caseId: c.id,
      note: extra.note ?? null,
      ...(extra.missingMaterials ? { missingMaterials: extra.missingMaterials } : {}),
    },
    actor,
    MATERIALS,
  );
  if (!d.ok) throw new Error(`${type}: ${d.error.code} ${d.error.message}`);
  return applyCaseFact(c, stamp(d.fact));
}

const clerk = (id: string) => ({ id, roles: ['clerk'] as StaffRole[] });
const reviewer = (id: string) => ({ id, roles: ['reviewer'] as StaffRole[] });
const supervisor = (id: string) => ({ id, roles: ['review-supervisor'] as StaffRole[] });
const rights = (id: string) => ({ id, roles: ['rights-clerk'] as StaffRole[] });

describe('case steps (SPEC CASE-1, CASE-2)', () => {
  it('CASE-2 one review level: 审核 then 出件, every step in the history with who', () => {
    let c = opened(1);
    expect(c.status).toBe('accepted');
    c = step(c, 'case:start-review', reviewer('r1'));
    c = step(c, 'case:approve', reviewer('r1'), { note: '材料齐全' });
    expect(c.status).toBe('approved');
    c = step(c, 'case:ready', rights('k1'));
    c = step(c, 'case:hand-back', rights('k1'), { note: '本人领取' });
    expect(c.status).toBe('handed-back');
    expect(c.history.map((h) => [h.step, h.by, h.to])).toEqual([
      ['case:accepted', 'clerk-a', 'accepted'],
      ['case:review-started', 'r1', 'in-review'],
      ['case:reviewed', 'r1', 'approved'],
      ['case:ready', 'k1', 'ready'],
      ['case:handed-back', 'k1', 'handed-back'],
    ]);
    expect(c.reviewers).toEqual(['r1']);
    expect(c.intake).toEqual(['clerk-a']);
  });

  it('CASE-2 two review levels: a passed review waits for 复核 by another person, then takes effect', () => {
    let c = opened(2);
    c = step(c, 'case:start-review', reviewer('r1'));
    c = step(c, 'case:approve', reviewer('r1'));
    expect(c.status).toBe('reviewed');
    const early = decideCaseStep(
      c,
      { type: 'case:ready', caseId: c.id, note: null },
      rights('k1'),
      MATERIALS,
    );
    expect(early.ok === false && early.error.code).toBe('CONFLICT');
    c = step(c, 'case:recheck', supervisor('s1'), { note: '复核无误' });
    expect(c).toMatchObject({ status: 'approved', recheckedBy: 's1', reviewers: ['r1'] });
  });

  it('CASE-1 an item without review goes from acceptance straight to the rights window', () => {
    const c = opened(0);
    expect(c.status).toBe('approved');
    const review = decideCaseStep(
      c,
      { type: 'case:start-review', caseId: c.id, note: null },
      reviewer('r1'),
      MATERIALS,
    );
    expect(review.ok === false && review.error.code).toBe('CONFLICT');
    expect(step(c, 'case:ready', rights('k1')).status).toBe('ready');
  });

  it('CASE-2 一次性补正: the reviewer names every missing material; the clerk who takes them joins the intake', () => {
    let c = opened(1);
    c = step(c, 'case:start-review', reviewer('r1'));
    c = step(c, 'case:request-supplement', reviewer('r1'), { missingMaterials: ['申请表', '银行账户信息'] });
    expect(c).toMatchObject({ status: 'supplementing', missing: ['申请表', '银行账户信息'] });
    c = step(c, 'case:supplement', clerk('clerk-b'));
    expect(c).toMatchObject({
      status: 'accepted',
      missing: [],
      intake: ['clerk-a', 'clerk-b'],
    });
    expect(c.history.at(-1)).toMatchObject({
      step: 'case:supplemented',
      materials: ['申请表', '银行账户信息'],
    });
    // The same reviewer may look at it again; the clerk who took the supplement may not review it.
    const byIntake = decideCaseStep(
      c,
      { type: 'case:start-review', caseId: c.id, note: null },
      { id: 'clerk-b', roles: ['clerk', 'reviewer'] },
      MATERIALS,
    );
    expect(byIntake.ok === false && byIntake.error.code).toBe('DUTY_CONFLICT');
    expect(step(c, 'case:start-review', reviewer('r1')).status).toBe('in-review');
  });

  it('CASE-2 a supplement request names only materials of the item’s guide, at least one', () => {
    let c = opened(1);
    c = step(c, 'case:start-review', reviewer('r1'));
    const unknown = decideCaseStep(
      c,
      { type: 'case:request-supplement', caseId: c.id, note: null, missingMaterials: ['申请表', '户口本'] },
      reviewer('r1'),
      MATERIALS,
    );
    expect(unknown.ok === false && unknown.error.issues).toEqual([
      { path: 'missingMaterials.1', message: '"户口本" is not a material of item ITEM' },
    ]);
    const none = decideCaseStep(
      c,
      { type: 'case:request-supplement', caseId: c.id, note: null, missingMaterials: [] },
      reviewer('r1'),
      MATERIALS,
    );
    expect(none.ok === false && none.error.code).toBe('BAD_REQUEST');
  });

  it('CASE-4 a return and a hand-back need a note; a return at 复核 is recorded at that level', () => {
    let c = opened(2);
    c = step(c, 'case:start-review', reviewer('r1'));
    c = step(c, 'case:approve', reviewer('r1'));
    const bare = decideCaseStep(
      c,
      { type: 'case:return', caseId: c.id, note: '  ' },
      supervisor('s1'),
      MATERIALS,
    );
    expect(bare.ok === false && bare.error).toMatchObject({
      code: 'BAD_REQUEST',
      issues: [{ path: 'note' }],
    });
    const d = decideCaseStep(
      c,
      { type: 'case:return', caseId: c.id, note: '金额核算有误' },
      supervisor('s1'),
      MATERIALS,
    );
    expect(d.ok && d.fact).toMatchObject({ type: 'case:returned', level: 'recheck', to: 'returned' });
    if (!d.ok) return;
    const returned = applyCaseFact(c, stamp(d.fact));
    expect(returned.status).toBe('returned');
    // A returned case is final.
    for (const type of CASE_COMMAND_NAMES) {
      const again = decideCaseStep(
        returned,
        { type, caseId: c.id, note: 'x' },
        { id: 'z', roles: [...STAFF_ROLES] },
        MATERIALS,
      );
      expect(again.ok === false && again.error.code, type).toBe('CONFLICT');
    }
  });

  it('an unknown case is NOT_FOUND; a fact for a case never accepted is a broken log', () => {
    const d = decideCaseStep(
      undefined,
      { type: 'case:approve', caseId: 'nope', note: null },
      reviewer('r1'),
      MATERIALS,
    );
    expect(d.ok === false && d.error.code).toBe('NOT_FOUND');
    expect(() =>
      applyCaseFact(
        undefined,
        stamp({ type: 'case:ready', caseId: 'nope', by: 'k', note: null, to: 'ready' }),
      ),
    ).toThrow(/unknown case/);
  });
});

/**
 * SPEC SOD-1..3, CASE-2: every cell of (the roles a person holds × the step × who they are in
 * this case). The expectation is written out here, independent of the implementation's tables.
 */
describe('separation of duties per case (SPEC SOD-1, SOD-2, SOD-3)', () => {
  /** Who may take each step at all, and at which level (LD/T 02 §7, §9.4). */
  const EXPECTED: {
    type: CaseCommandName;
    from: CaseStatus;
    roles: StaffRole[];
    level: 'intake' | 'review' | 'recheck' | 'handback';
    note?: string;
    missingMaterials?: string[];
  }[] = [
    { type: 'case:start-review', from: 'accepted', roles: ['reviewer'], level: 'review' },
    { type: 'case:approve', from: 'in-review', roles: ['reviewer'], level: 'review' },
    {
      type: 'case:request-supplement',
      from: 'in-review',
      roles: ['reviewer'],
      level: 'review',
      missingMaterials: ['申请表'],
    },
    { type: 'case:return', from: 'in-review', roles: ['reviewer'], level: 'review', note: '不符合条件' },
    { type: 'case:recheck', from: 'reviewed', roles: ['review-supervisor'], level: 'recheck' },
    {
      type: 'case:return',
      from: 'reviewed',
      roles: ['review-supervisor'],
      level: 'recheck',
      note: '复核退回',
    },
    { type: 'case:supplement', from: 'supplementing', roles: ['clerk', 'rights-clerk'], level: 'intake' },
    { type: 'case:ready', from: 'approved', roles: ['rights-clerk'], level: 'handback' },
    { type: 'case:hand-back', from: 'ready', roles: ['rights-clerk'], level: 'handback', note: '本人领取' },
  ];

  /** Every set of roles one person may hold (AUTH-3 allows it). */
  const roleSets: StaffRole[][] = [];
  for (let mask = 1; mask < 1 << STAFF_ROLES.length; mask++) {
    const set = STAFF_ROLES.filter((_, i) => mask & (1 << i));
    if (dutyConflict(set) === null) roleSets.push(set);
  }

  /** A case in `from`, accepted by A (and supplemented by B), reviewed by R. */
  const caseIn = (from: CaseStatus): CaseRecord => ({
    ...opened(2, 'A'),
    status: from,
    intake: ['A', 'B'],
    reviewers: from === 'accepted' ? [] : ['R'],
  });

  const PEOPLE = [
    { id: 'A', part: 'accepted it' },
    { id: 'B', part: 'took its supplement' },
    { id: 'R', part: 'reviewed it' },
    { id: 'X', part: 'had no part in it' },
  ] as const;

  it('covers every role set AUTH-3 allows', () => {
    // 55 combinations of the seven business posts, and the admin alone.
    expect(roleSets.length).toBe(56);
    expect(roleSets).toContainEqual(['clerk', 'reviewer']);
    expect(roleSets).not.toContainEqual(['reviewer', 'review-supervisor']);
  });

  for (const e of EXPECTED)
    it(`${e.type} from ${e.from}: post, then SOD-1 / SOD-2 / SOD-3 by the person’s part in the case`, () => {
      let cells = 0;
      for (const roles of roleSets)
        for (const person of PEOPLE) {
          const record = caseIn(e.from);
          const d = decideCaseStep(
            record,
            {
              type: e.type,
              caseId: record.id,
              note: e.note ?? null,
              ...(e.missingMaterials ? { missingMaterials: e.missingMaterials } : {}),
            },
            { id: person.id, roles },
            MATERIALS,
          );
          const inIntake = person.id === 'A' || person.id === 'B';
          const expected = !roles.some((r) => e.roles.includes(r))
            ? 'FORBIDDEN'
            : e.level === 'review' && inIntake
              ? 'SOD-1'
              : e.level === 'recheck' && person.id === 'R' && record.reviewers.includes('R')
                ? 'SOD-2'
                : e.level === 'recheck' && inIntake
                  ? 'SOD-3'
                  : 'ok';
          const got = d.ok
            ? 'ok'
            : d.error.code === 'DUTY_CONFLICT'
              ? (/^SOD-\d/.exec(d.error.message)?.[0] ?? d.error.message)
              : d.error.code;
          expect(got, `${roles.join('+')} who ${person.part}`).toBe(expected);
          if (!d.ok && d.error.code === 'DUTY_CONFLICT') expect(d.error.messageZh).toMatch(/不得/);
          cells += 1;
        }
      expect(cells).toBe(roleSets.length * PEOPLE.length);
    });

  it('every command and status pair not in the table is a CONFLICT for anyone', () => {
    const all = { id: 'X', roles: ['clerk', 'rights-clerk', 'reviewer', 'guide', 'manager'] as StaffRole[] };
    const sup = { id: 'Y', roles: ['review-supervisor', 'clerk', 'rights-clerk'] as StaffRole[] };
    for (const type of CASE_COMMAND_NAMES)
      for (const from of CASE_STATUSES) {
        if (EXPECTED.some((e) => e.type === type && e.from === from)) continue;
        for (const actor of [all, sup]) {
          const record = caseIn(from);
          const d = decideCaseStep(
            record,
            { type, caseId: record.id, note: 'n', missingMaterials: ['申请表'] },
            actor,
            MATERIALS,
          );
          expect(d.ok === false && d.error.code, `${type} from ${from}`).toBe('CONFLICT');
        }
      }
  });
});

import type { CaseFact, CaseRecord } from '@onewindow/shared/cases.ts';
import { describe, expect, it } from 'vitest';
import { acceptanceFact, applyCaseFact, type CaseEvent, decideCaseStep } from './cases.ts';

const H = (c: string) => c.repeat(64);
let seq = 0;
const stamp = (f: CaseFact): CaseEvent => ({ ...f, seq: ++seq, at: 1000 + seq });
const fold = (c: CaseRecord | undefined, ...facts: CaseFact[]) =>
  facts.reduce<CaseRecord | undefined>((r, f) => applyCaseFact(r, stamp(f)), c)!;

const CHECKLIST = [
  { name: '居民身份证', required: true },
  { name: '失业保险金申领登记表', required: true },
  { name: '解除劳动合同证明', required: true },
  { name: '银行卡', required: false },
];

function opened(checklist: typeof CHECKLIST | null = CHECKLIST): CaseRecord {
  return fold(
    undefined,
    acceptanceFact({
      caseId: 'SL1',
      ticketId: 't1',
      ticketNumber: 'A001',
      itemCode: 'UI',
      itemName: '失业保险金申领',
      reviewLevels: 1,
      deadline: '2026-12-24',
      workingDays: 20,
      receivedMaterials: [],
      ...(checklist ? { checklist } : {}),
      by: 'clerk-a',
    }),
  );
}

const captured = (
  material: string,
  sha: string,
  by = 'clerk-a',
  source: 'camera' | 'scanner' | 'kiosk' = 'camera',
): CaseFact => ({
  type: 'case:material-captured',
  caseId: 'SL1',
  material,
  pages:
    source === 'kiosk' ? [] : [{ sha256: sha, mime: 'image/jpeg', bytes: 1000, width: 800, height: 1100 }],
  source,
  by,
});

const startReview = (c: CaseRecord) =>
  decideCaseStep(
    c,
    { type: 'case:start-review', caseId: c.id, note: null },
    { id: 'r1', roles: ['reviewer'] },
    undefined,
  );

describe('the case file’s checklist (SPEC MAT-FILE-1)', () => {
  it('MAT-FILE-1: a case opens with the guide’s materials: required ones missing, optional ones not required', () => {
    expect(opened().materials.map((m) => [m.name, m.status])).toEqual([
      ['居民身份证', 'missing'],
      ['失业保险金申领登记表', 'missing'],
      ['解除劳动合同证明', 'missing'],
      ['银行卡', 'not-required'],
    ]);
    expect(opened(null).materials).toEqual([]);
  });

  it('MAT-FILE-1: captured pages make a material present, each page once; a removed last page makes it missing again', () => {
    let c = fold(
      opened(),
      captured('居民身份证', H('a')),
      captured('居民身份证', H('b'), 'clerk-a', 'scanner'),
    );
    c = fold(c, captured('居民身份证', H('a')));
    const id = c.materials.find((m) => m.name === '居民身份证')!;
    expect(id).toEqual({
      name: '居民身份证',
      required: true,
      status: 'present',
      source: 'camera',
      pages: [
        { sha256: H('a'), mime: 'image/jpeg', bytes: 1000 },
        { sha256: H('b'), mime: 'image/jpeg', bytes: 1000 },
      ],
    });
    c = fold(c, {
      type: 'case:material-removed',
      caseId: 'SL1',
      material: '居民身份证',
      sha256: H('a'),
      reason: '拍歪了',
      by: 'clerk-a',
    });
    expect(c.materials[0]!.pages.map((p) => p.sha256)).toEqual([H('b')]);
    c = fold(c, {
      type: 'case:material-removed',
      caseId: 'SL1',
      material: '居民身份证',
      sha256: H('b'),
      reason: '重拍',
      by: 'clerk-a',
    });
    expect(c.materials[0]).toMatchObject({ status: 'missing', pages: [] });
    expect(c.materials[0]!.source).toBeUndefined();
    expect(c.history.at(-1)).toMatchObject({
      step: 'case:material-removed',
      note: '重拍',
      materials: ['居民身份证'],
      to: 'accepted',
    });
    expect(c.status).toBe('accepted');
  });

  it('MAT-FILE-1: a waiver (免提交) keeps its reason; a kiosk form is present without pages; an unlisted material is added as optional', () => {
    const c = fold(
      opened(),
      {
        type: 'case:material-waived',
        caseId: 'SL1',
        material: '解除劳动合同证明',
        reason: '经办机构通过共享获取',
        by: 'clerk-a',
      },
      captured('失业保险金申领登记表', H('c'), 'clerk-a', 'kiosk'),
      captured('其他补充材料', H('d')),
    );
    expect(c.materials.find((m) => m.name === '解除劳动合同证明')).toMatchObject({
      status: 'waived',
      reason: '经办机构通过共享获取',
    });
    expect(c.materials.find((m) => m.name === '失业保险金申领登记表')).toMatchObject({
      status: 'present',
      source: 'kiosk',
      pages: [],
    });
    expect(c.materials.find((m) => m.name === '其他补充材料')).toMatchObject({
      status: 'present',
      required: false,
    });
  });

  it('MAT-FILE-1, SOD-1: whoever captures pages took the case in and may not review it', () => {
    const c = fold(opened(), captured('居民身份证', H('e'), 'clerk-b'));
    expect(c.intake).toEqual(['clerk-a', 'clerk-b']);
  });
});

describe('the materials gate (SPEC MAT-FILE-2)', () => {
  it('MAT-FILE-2: a case does not leave 受理 while a required material is neither captured nor waived; the refusal names them', () => {
    let c = fold(opened(), captured('居民身份证', H('f')));
    const refused = startReview(c);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('MATERIALS_MISSING');
    expect(refused.error.messageZh).toContain('「失业保险金申领登记表」');
    expect(refused.error.messageZh).toContain('「解除劳动合同证明」');
    expect(refused.error.messageZh).not.toContain('居民身份证');
    expect(refused.error.messageZh).not.toContain('银行卡');
    c = fold(c, captured('失业保险金申领登记表', H('0')), {
      type: 'case:material-waived',
      caseId: 'SL1',
      material: '解除劳动合同证明',
      reason: '单位已网上申报解除',
      by: 'clerk-a',
    });
    const ok = startReview(c);
    expect(ok.ok && ok.fact.type).toBe('case:review-started');
  });

  it('MAT-FILE-2: a case accepted before capture existed has no checklist and no gate', () => {
    expect(startReview(opened(null)).ok).toBe(true);
  });

  it('MAT-FILE-1: a replay of the facts gives the same record as the live fold', () => {
    const facts: CaseFact[] = [
      captured('居民身份证', H('1')),
      {
        type: 'case:material-waived',
        caseId: 'SL1',
        material: '解除劳动合同证明',
        reason: '共享',
        by: 'clerk-a',
      },
      captured('失业保险金申领登记表', H('2'), 'clerk-a', 'scanner'),
      {
        type: 'case:material-removed',
        caseId: 'SL1',
        material: '居民身份证',
        sha256: H('1'),
        reason: '错页',
        by: 'clerk-a',
      },
    ];
    const start = opened();
    const events = facts.map(stamp);
    const live = events.reduce((r, e) => applyCaseFact(r, e), start);
    const again = events.reduce((r, e) => applyCaseFact(r, e), structuredClone(start));
    expect(again).toEqual(live);
    expect(start.materials.every((m) => m.pages.length === 0)).toBe(true);
  });
});

import { SERVICE_GUIDE_ELEMENTS, type ServiceGuide, type ServiceItem } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { demoCatalog } from './demo-hall.ts';
import { LOCAL_ITEMS } from './forms.ts';
import { GUIDES } from './guides.ts';

const items = demoCatalog();

/** The item's guide, failing the test when there is none. */
function guideOf(item: ServiceItem): ServiceGuide {
  if (!item.guide) throw new Error(`${item.code} ${item.name} has no guide`);
  return item.guide;
}

function byName(name: string): ServiceItem {
  const item = items.find((i) => i.name === name);
  if (!item) throw new Error(`no item ${name}`);
  return item;
}

describe('guides (办事指南) of the demo catalog', () => {
  it('gives each of the 23 listed items its guide, and has no guide for an unknown code', () => {
    const listed = items.filter((i) => !LOCAL_ITEMS.some((l) => l.code === i.code));
    expect(listed).toHaveLength(23);
    expect(Object.keys(GUIDES).sort()).toEqual(listed.map((i) => i.code).sort());
    for (const item of listed)
      expect(guideOf(item)).toMatchObject({
        scope: GUIDES[item.code]!.scope,
        steps: GUIDES[item.code]!.steps,
        materials: GUIDES[item.code]!.materials.map((m) => expect.objectContaining(m)),
      });
  });

  it('fills all 16 elements of every guide', () => {
    expect(SERVICE_GUIDE_ELEMENTS).toHaveLength(16);
    expect(new Set(SERVICE_GUIDE_ELEMENTS.map((e) => e.key)).size).toBe(16);
    for (const item of items) {
      const guide = guideOf(item);
      for (const { key, label } of SERVICE_GUIDE_ELEMENTS) {
        // 办理时限 is the item's own (ADM-6); the list's unverified ones have no wording.
        if (key === 'timeLimit') {
          if (item.verified) expect(item.timeLimit.text.trim(), `${item.name} ${label}`).not.toBe('');
          continue;
        }
        const value: unknown = guide[key];
        const where = `${item.name} ${label}`;
        if (typeof value === 'string') expect(value.trim(), where).not.toBe('');
        else if (typeof value === 'number') expect([0, 1], where).toContain(value);
        else if (Array.isArray(value)) {
          // A consultation needs nothing brought (identityRequired false); all else lists materials.
          if (!(key === 'materials' && item.identityRequired === false))
            expect(value.length, where).toBeGreaterThan(0);
          for (const entry of value) if (typeof entry === 'string') expect(entry.trim(), where).not.toBe('');
        } else throw new Error(`${where}: unexpected ${typeof value}`);
      }
      if (guide.note !== undefined) expect(guide.note.trim(), item.name).not.toBe('');
    }
  });

  it('lists well-formed materials: unique names, at least one required one to bring', () => {
    for (const item of items) {
      const { materials } = guideOf(item);
      const names = materials.map((m) => m.name);
      expect(new Set(names).size, item.name).toBe(names.length);
      expect(
        item.identityRequired === false || materials.some((m) => m.required && !m.sharedData),
        `${item.name}: a required material to bring`,
      ).toBe(true);
      for (const m of materials) {
        expect(Number.isInteger(m.copies) && m.copies >= 1, `${item.name} ${m.name} copies`).toBe(true);
        expect(['原件', '复印件', '原件及复印件', '电子']).toContain(m.form);
        if (m.note !== undefined) expect(m.note.trim(), `${item.name} ${m.name}`).not.toBe('');
      }
    }
  });

  it('matches the list: 即办件 for instant items, 承诺件 with a progress query for time-limited ones', () => {
    for (const item of items) {
      const guide = guideOf(item);
      if (item.kind === 'instant') {
        expect(guide.caseType, item.name).toBe('instant');
        expect(guide.visitsOnSite, item.name).toBeLessThanOrEqual(1);
      } else {
        expect(guide.caseType, item.name).toBe('promised');
        expect(guide.progressQuery, item.name).toMatch(/回执/);
        expect(guide.progressQuery, item.name).toMatch(/12333/);
      }
    }
  });

  it('ADM-6 keeps one time limit, the item’s: no research note in its wording, the list’s in the admin note', () => {
    for (const item of items) {
      const guide = guideOf(item);
      expect(guide, item.name).not.toHaveProperty('timeLimit');
      // Citizens never read 未证实 or another place's example (地方例, 江陵例) as the hall's limit.
      expect(item.timeLimit.text, item.name).not.toMatch(/未证实|例|\(/);
      if (!item.verified) expect(item.timeLimit.text, item.name).toBe('');
      if (item.timeLimit.note !== undefined) expect(item.timeLimit.note, item.name).toMatch(/^清单原文：/);
    }
    const byNameLimit = (name: string) => byName(name).timeLimit;
    expect(byNameLimit('失业保险金申领')).toEqual({
      text: '',
      days: 7,
      unit: 'working',
      note: '清单原文：未证实(地方例:7工作日)',
    });
    expect(byNameLimit('社会保障卡申领')).toMatchObject({
      text: '承诺10工作日',
      note: '清单原文：承诺10工作日(江陵例)',
    });
    expect(byNameLimit('企业社会保险登记')).toMatchObject({
      text: '15日（法定）',
      textEn: '15 days (statutory)',
    });
  });

  it('keeps the list channels', () => {
    for (const item of items) {
      const guide = guideOf(item);
      expect([...guide.channels].sort(), item.name).toEqual([...item.channels].sort());
      if (guide.visitsOnSite === 0)
        expect(
          guide.channels.some((c) => c === '网上' || c === '电话'),
          `${item.name}: no visit needs a remote channel`,
        ).toBe(true);
      // An unverified limit is said so in the admin's notes.
      if (!item.verified) expect(`${guide.note}${item.timeLimit.note}`, item.name).toMatch(/未证实/);
    }
  });

  it('publishes the hall-wide elements: free of charge, address, consultation, complaints', () => {
    for (const item of items) {
      expect(guideOf(item)).toMatchObject({
        fee: '不收费',
        addressAndHours: '本大厅综合受理窗口，工作日 9:00–17:00（法定节假日除外）',
        consultation: '12333 人社服务热线；大厅咨询引导台',
        complaint: '12345 政务服务便民热线；大厅值班长',
      });
    }
  });

  it('cites the law: 社会保险法第五十七条 for 企业社会保险登记, 工伤保险条例 for 工伤, 国办发〔2009〕66号 for 转移接续', () => {
    expect(guideOf(byName('企业社会保险登记')).legalBasis.join('；')).toMatch(
      /社会保险法》?(第五十七条|第57条)/,
    );
    expect(guideOf(byName('失业保险金申领')).legalBasis.join('；')).toMatch(/社会保险法》?第四十五条/);
    expect(guideOf(byName('遗属待遇申领')).legalBasis.join('；')).toMatch(/第十七条、第四十九条/);
    for (const item of items.filter((i) => i.name.startsWith('工伤')))
      expect(guideOf(item).legalBasis.join('；'), item.name).toMatch(/《工伤保险条例》/);
    expect(guideOf(byName('工伤认定(行政确认,人社行政部门)')).legalBasis.join('；')).toMatch(/第二十条/);
    expect(guideOf(byName('企业职工基本养老保险关系转移接续申请')).legalBasis.join('；')).toMatch(
      /国办发〔2009〕66号/,
    );
  });

  it('flags commonly missing materials (一次性告知) in at least 3 items, each with a note', () => {
    const flagged = items.filter((i) => guideOf(i).materials.some((m) => m.commonlyMissing));
    expect(flagged.length).toBeGreaterThanOrEqual(3);
    for (const item of flagged)
      for (const m of guideOf(item).materials.filter((x) => x.commonlyMissing)) {
        // The 一次性告知 warning tells the citizen what exactly people forget.
        expect(m.note?.trim().length ?? 0, `${item.name} ${m.name}`).toBeGreaterThanOrEqual(4);
        expect(m.sharedData, `${item.name} ${m.name}: missing yet shared`).not.toBe(true);
      }
    const missing = (name: string) =>
      guideOf(byName(name))
        .materials.filter((m) => m.commonlyMissing)
        .map((m) => m.name);
    expect(missing('失业保险金申领')).toContain('解除或终止劳动关系证明');
    expect(missing('遗属待遇申领')).toContain('亲属关系证明');
    expect(missing('工伤医疗(康复)费用申报')).toContain('费用清单');
  });

  it('marks what the hall obtains itself (数据共享, 免提交)', () => {
    const shared = (name: string) =>
      guideOf(byName(name))
        .materials.filter((m) => m.sharedData)
        .map((m) => m.name);
    expect(shared('企业社会保险登记')).toContain('营业执照');
    expect(shared('社会保障卡申领')).toContain('近期免冠彩色照片');
  });
});

describe('the demo catalog in English (kiosk English mode)', () => {
  it('names every item, its scope, its materials and the 一次性告知 in English; every form hint too', () => {
    const han = /\p{Script=Han}/u;
    for (const item of items) {
      const guide = guideOf(item);
      expect(item.nameEn, item.name).toMatch(/^[^\p{Script=Han}]+$/u);
      expect(guide.scopeEn, item.name).toMatch(/^[^\p{Script=Han}]+$/u);
      if (item.verified) expect(item.timeLimit.textEn, item.name).toMatch(/^[^\p{Script=Han}]+$/u);
      for (const m of guide.materials) {
        expect(m.nameEn, `${item.name} ${m.name}`).toBeDefined();
        expect(han.test(m.nameEn ?? ''), `${item.name} ${m.name}`).toBe(false);
        if (m.commonlyMissing) expect(m.noteEn?.length ?? 0, `${item.name} ${m.name}`).toBeGreaterThan(20);
      }
      for (const f of item.form?.fields ?? [])
        if (f.hint !== undefined) expect(f.hintEn, `${item.name} ${f.key}`).toMatch(/^[^\p{Script=Han}]+$/u);
    }
  });
});

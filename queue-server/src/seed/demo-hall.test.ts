import { loadFirmwareConfig } from '@onewindow/firmware-config';
import { TERMINAL_POSTS } from '@onewindow/firmware-config/schema';
import { formDefinitionSchema } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { QueueEngine } from '../domain/engine.ts';
import { T0 } from '../domain/test-factory.ts';
import { parseCatalogTsv, parseTimeLimit } from './catalog-tsv.ts';
import { DEMO_TWO_LEVEL_ITEMS, demoCatalog, demoHallConfig } from './demo-hall.ts';

describe('demo hall seed', () => {
  it('loads all 23 listed items with codes, kinds and limits, then the 2 local ones', () => {
    const items = demoCatalog();
    expect(items).toHaveLength(25);
    expect(new Set(items.map((i) => i.code)).size).toBe(25);
    expect(items.slice(23).map((i) => [i.name, i.categoryId, i.identityRequired ?? true])).toEqual([
      ['政策咨询', 'A', false],
      ['领取办理结果', 'C', true],
    ]);
    const reg = items.find((i) => i.name === '企业社会保险登记')!;
    expect(reg).toMatchObject({ code: '512B0067900009', kind: 'time-limited', categoryId: 'B' });
    expect(reg.timeLimit).toEqual({
      text: '15日（法定）',
      textEn: '15 days (statutory)',
      days: 15,
      unit: 'calendar',
      note: '清单原文：15日(法定)',
    });
    const injury = items.find((i) => i.name.startsWith('工伤认定'))!;
    expect(injury.code).toBe('LOCAL-0001');
    expect(items.filter((i) => i.kind === 'instant').length).toBeGreaterThan(5);
    expect(items.find((i) => i.name === '社会保障卡密码重置')?.verified).toBe(false);
  });

  it('gives seven items a valid kiosk form whose choices and prefills make sense', () => {
    const withForms = demoCatalog().filter((i) => i.form);
    expect(withForms.map((i) => i.name)).toEqual(
      expect.arrayContaining(['社会保障卡申领', '社会保障卡挂失', '失业保险金申领', '个人基本信息变更']),
    );
    expect(withForms).toHaveLength(7);
    for (const item of withForms) {
      const parsed = formDefinitionSchema.safeParse(item.form);
      expect(parsed.success, `${item.name}: ${parsed.error?.message}`).toBe(true);
      // Every form knows who is applying: the ID number comes from the card.
      expect(item.form!.fields.find((f) => f.key === 'idNumber')?.prefill, item.name).toBe('idNumber');
    }
  });

  it('runs the npm-start demo around the clock, and the tests’ demo on real hours', async () => {
    const { openingState } = await import('../domain/opening-hours.ts');
    const night = Date.parse('2026-11-28T03:00:00+08:00'); // a Saturday, 03:00 in the hall
    expect(openingState(demoHallConfig({ anyTime: true }).settings, night).openNow).toBe(true);
    expect(openingState(demoHallConfig().settings, night).openNow).toBe(false);
    expect(
      new QueueEngine().execute(
        { type: 'hall:configure', config: demoHallConfig({ anyTime: true }), by: 't' },
        T0,
      ).ok,
    ).toBe(true);
  });

  it('reads the time-limit wordings of the list', () => {
    expect(parseTimeLimit('即办')).toMatchObject({ days: 0 });
    expect(parseTimeLimit('15工作日/环节(共3环节)')).toMatchObject({ days: 15, unit: 'working' });
    expect(parseTimeLimit('承诺10工作日(江陵例)')).toMatchObject({ days: 10, unit: 'working' });
    expect(parseTimeLimit('未证实(地方例:7工作日)')).toMatchObject({ days: 7, unit: 'working' });
    expect(parseTimeLimit('未证实')).toMatchObject({ days: null, unit: null });
    // ADM-6: the wording citizens see leaves out what is research, the admin's note keeps it.
    expect(parseTimeLimit('即办')).toEqual({ text: '即办', days: 0, unit: null });
    expect(parseTimeLimit('未证实(地方例:7工作日)')).toMatchObject({
      text: '',
      note: '清单原文：未证实(地方例:7工作日)',
    });
    expect(parseTimeLimit('即办件,法定/承诺1工作日(江苏例,基本编码322014325002)').text).toBe(
      '即办件，法定/承诺1工作日',
    );
    expect(parseTimeLimit('60日;事实清楚15日').text).toBe('60日；事实清楚15日');
  });

  it('refuses a malformed list whole, naming the line', () => {
    const header = 'name\tsichuan_basic_code\timpl_code_example\ttype\tlimit\tchannels\tlimit_source';
    expect(() => parseCatalogTsv(`${header}\nx\t1\t-\t即时\t即办\t窗口`)).toThrow(/line 2: 6 columns/);
    expect(() => parseCatalogTsv(`${header}\nx\t1\t-\t马上\t即办\t窗口\t-`)).toThrow(/line 2: type/);
    expect(() => parseCatalogTsv('a\tb')).toThrow(/header/);
  });

  it('is a valid hall: 8 windows (6 comprehensive, 1 rights, 1 bulk) over A, B, C', () => {
    const config = demoHallConfig();
    const posts = config.windows.map((w) => w.post);
    expect(posts.filter((p) => p === 'comprehensive')).toHaveLength(6);
    expect(posts.filter((p) => p === 'rights')).toHaveLength(1);
    expect(posts.filter((p) => p === 'bulk')).toHaveLength(1);
    expect(config.categories.map((c) => `${c.prefix} ${c.name}`)).toEqual([
      'A 综合业务',
      'B 单位业务',
      'C 权益出件',
    ]);
    const r = new QueueEngine().execute({ type: 'hall:configure', config, by: 'seed' }, T0);
    expect(r.ok).toBe(true);
    for (const item of demoCatalog()) expect(config.categories.map((c) => c.id)).toContain(item.categoryId);
  });

  it('CASE-1 fund-moving items are reviewed twice (审核 + 复核), other time-limited items once', () => {
    const items = demoCatalog();
    const two = items.filter((i) => i.reviewLevels === 2).map((i) => i.name);
    expect(two).toEqual(
      expect.arrayContaining(['企业职工基本养老保险正常退休申请', '失业保险金申领', '遗属待遇申领']),
    );
    expect(two).toHaveLength(DEMO_TWO_LEVEL_ITEMS.length);
    for (const i of items.filter((x) => x.reviewLevels === 2)) expect(i.kind, i.name).toBe('time-limited');
    expect(items.find((i) => i.name === '社会保障卡申领')?.reviewLevels).toBeUndefined();
  });

  it("firmware-config's demo hall lays out the same windows as demoHallConfig(): ids, numbers, posts", () => {
    const { config } = loadFirmwareConfig();
    const hall = config.halls.demo!;
    const queue = demoHallConfig();
    expect(hall.hall).toBe(queue.settings.hallName);
    const posts = hall.windows.map((w) => {
      const kind = config.terminals[w.terminal]!.kind;
      return { id: w.id, number: w.number, post: kind === 'kiosk' ? 'kiosk' : TERMINAL_POSTS[kind] };
    });
    expect(posts).toEqual(queue.windows.map((w) => ({ id: w.id, number: w.number, post: w.post })));
  });
});

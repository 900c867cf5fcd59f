import { describe, expect, it } from 'vitest';
import { categoryWaitText, ticketWaitText, waitRangeText } from './wait.ts';

describe('waitRangeText (SPEC EST-1: one wording on every surface)', () => {
  it('EST-1 writes the range, Chinese first', () => {
    expect(waitRangeText({ low: 15, high: 25 })).toEqual({ zh: '约 15–25 分钟', en: 'about 15–25 min' });
    expect(waitRangeText({ low: 7, high: 7 })).toEqual({ zh: '约 7 分钟', en: 'about 7 min' });
  });

  it('EST-1 says "almost now" for a wait of a minute or two, and nothing without an estimate', () => {
    expect(waitRangeText({ low: 0, high: 2 })?.zh).toBe('即将办理');
    expect(waitRangeText({ low: null, high: null })).toBeNull();
  });

  it('EST-1 switches to half hours past 100 minutes and never shows low above high', () => {
    expect(waitRangeText({ low: 90, high: 150 })).toEqual({ zh: '约 1.5–2.5 小时', en: 'about 1.5–2.5 h' });
    expect(waitRangeText({ low: 40, high: 30 })?.zh).toBe('约 30 分钟');
  });
});

describe('categoryWaitText / ticketWaitText (SPEC EST-1)', () => {
  it('EST-1 gives the board, kiosk and console one sentence for one server figure', () => {
    expect(categoryWaitText({ waiting: 4, low: 15, high: 25 }).zh).toBe('约 15–25 分钟');
    expect(categoryWaitText({ waiting: 0, low: 2, high: 7 }).zh).toBe('无需等候');
    expect(categoryWaitText({ waiting: 3, low: null, high: null }).zh).toBe('暂无窗口办理');
    expect(categoryWaitText(undefined).zh).toBe('暂无窗口办理');
    expect(ticketWaitText({ low: 15, high: 25 }).zh).toBe('约 15–25 分钟');
    expect(ticketWaitText(null).zh).toBe('暂无窗口办理');
  });
});

/**
 * axe-core in the real Chromium page: the accessibility check every citizen and staff screen
 * must pass with no critical or serious violation (SPEC CON-A11Y-1, KSK-12, ADM-7).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE = join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');

/** One violation: the rule, its impact, how many elements and the first one's selector. */
export interface AxeFinding {
  id: string;
  impact: string;
  nodes: number;
  first: string;
}

/** The serious and critical violations on the page as it stands, or under `selector` only. */
export async function seriousViolations(page: Page, selector?: string): Promise<AxeFinding[]> {
  // Evaluated by the debugger, not added as an inline <script>: the apps' CSP refuses those (EDGE-1).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const all = await page.evaluate(async (sel) => {
    const w = window as unknown as {
      axe: {
        run: (ctx: Element | Document) => Promise<{
          violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[];
        }>;
      };
    };
    const root = (sel === null ? null : document.querySelector(sel)) ?? document;
    const r = await w.axe.run(root);
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      first: JSON.stringify(v.nodes[0]?.target ?? []),
    }));
  }, selector ?? null);
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails the test, naming `what`, when axe finds a serious or critical violation. */
export async function expectAxeClean(page: Page, what: string, selector?: string): Promise<void> {
  expect(await seriousViolations(page, selector), what).toEqual([]);
}

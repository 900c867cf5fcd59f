import type { ServiceItem, TimeLimit } from '@onewindow/shared';

/** Items an employer (单位) brings go to the employer queue; everything else is general business. */
const EMPLOYER_ITEM = /单位|企业社会保险登记|机关事业单位|社会保险费补缴/;

/**
 * Reads a 办结时限 text of the list such as "15日(法定)", "15工作日/环节", "承诺10工作日(江陵例)",
 * "即办" or "未证实(地方例:7工作日)": the first number followed by 工作日 or 日. The list's
 * wording is research, not a hall's publication: citizens get `text` (nothing when 未证实, no
 * example from another place), the admin gets the list's wording in `note` (SPEC ADM-6).
 */
export function parseTimeLimit(listed: string): TimeLimit {
  const text = listed.includes('未证实') ? '' : citizenWording(listed);
  const note = text === listed ? {} : { note: `清单原文：${listed}` };
  if (/^即办/.test(listed)) return { text, days: 0, unit: null, ...note };
  const m = /(\d+)\s*(工作日|日)/.exec(listed);
  if (!m) return { text, days: null, unit: null, ...note };
  return { text, days: Number(m[1]), unit: m[2] === '工作日' ? 'working' : 'calendar', ...note };
}

/** The list's wording without examples from other places ("(江陵例)") and with Chinese brackets. */
function citizenWording(listed: string): string {
  return listed
    .replace(/\([^)]*例[^)]*\)/g, '')
    .replace(/\(([^)]*)\)/g, '（$1）')
    .replace(/;/g, '；')
    .replace(/,/g, '，')
    .trim();
}

/**
 * Parses the hall's service list (tab-separated: name, sichuan_basic_code, impl_code_example,
 * type, limit, channels, limit_source). Throws with the line number on a malformed row, so a
 * bad import is refused whole rather than half-loaded.
 */
export function parseCatalogTsv(tsv: string): ServiceItem[] {
  const lines = tsv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split('\t') ?? [];
  const expected = [
    'name',
    'sichuan_basic_code',
    'impl_code_example',
    'type',
    'limit',
    'channels',
    'limit_source',
  ];
  if (expected.some((h, i) => header[i] !== h))
    throw new Error(`catalog header must be: ${expected.join(' ')}`);
  let local = 0;
  const seen = new Set<string>();
  return lines.map((line, i) => {
    const cols = line.split('\t');
    if (cols.length !== expected.length)
      throw new Error(`catalog line ${i + 2}: ${cols.length} columns, expected ${expected.length}`);
    const [name, basic, impl, type, limit, channels, source] = cols as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (type !== '即时' && type !== '限时')
      throw new Error(`catalog line ${i + 2}: type must be 即时 or 限时`);
    const code = basic === '-' ? `LOCAL-${String(++local).padStart(4, '0')}` : basic;
    if (seen.has(code)) throw new Error(`catalog line ${i + 2}: code ${code} repeated`);
    seen.add(code);
    return {
      code,
      implCode: impl === '-' ? null : impl,
      name,
      kind: type === '即时' ? 'instant' : 'time-limited',
      categoryId: EMPLOYER_ITEM.test(name) ? 'B' : 'A',
      timeLimit: parseTimeLimit(limit),
      channels: channels
        .split(/[,，]/)
        .map((c) => c.trim())
        .filter(Boolean),
      verified: !limit.includes('未证实'),
      source: source === '-' ? null : source,
    } satisfies ServiceItem;
  });
}

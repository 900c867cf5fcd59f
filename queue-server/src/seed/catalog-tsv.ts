import type { ServiceItem, TimeLimit } from '@onewindow/shared';

/** Items an employer (单位) brings go to the employer queue; everything else is general business. */
const EMPLOYER_ITEM = /单位|企业社会保险登记|机关事业单位|社会保险费补缴/;

/**
 * Reads a 办结时限 text such as "15日(法定)", "15工作日/环节", "承诺10工作日", "即办" or
 * "未证实(地方例:7工作日)": the first number followed by 工作日 or 日.
 */
export function parseTimeLimit(text: string): TimeLimit {
  if (/^即办/.test(text)) return { text, days: 0, unit: null };
  const m = /(\d+)\s*(工作日|日)/.exec(text);
  if (!m) return { text, days: null, unit: null };
  return { text, days: Number(m[1]), unit: m[2] === '工作日' ? 'working' : 'calendar' };
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

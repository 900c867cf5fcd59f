/**
 * The archive (归档, LD/T 02 Annex B, §10.5; GB/T 31599 electronic business files): a closed
 * case is filed into a volume under a 档号 of the hall's scheme (year–retention–category–number),
 * as one PDF (cover sheet with each page's SHA-256, the slips, every material page, the case's
 * history) kept in the page store, with `archive:*` facts. Nothing filed is rewritten: a
 * correction is a new version (a new fact and a new file). Zod-free. SPEC ARC-*.
 */

/** 保管期限 (GB/T 31599, DA/T 22): 永久, 长期 (30 years), 短期 (10 years). */
export const RETENTIONS = ['permanent', 'long', 'short'] as const;
export type Retention = (typeof RETENTIONS)[number];

/** An item whose catalog entry names no retention: 长期 (30 years), the usual term for 社保 business files. */
export const DEFAULT_RETENTION: Retention = 'long';

export const RETENTION_INFO: Record<
  Retention,
  { code: string; zh: string; en: string; years: number | null }
> = {
  permanent: { code: 'Y', zh: '永久', en: 'Permanent', years: null },
  long: { code: 'C', zh: '长期（30年）', en: 'Long (30 years)', years: 30 },
  short: { code: 'D', zh: '短期（10年）', en: 'Short (10 years)', years: 10 },
};

/**
 * The hall's 档号 scheme (hall settings `archive`): a template with `{year}`, `{retention}` (Y, C,
 * D), `{category}` and `{number}`; the category code of each queue category (default `SB01`);
 * the digits of the number. The volume is the 档号 without its number.
 */
export interface ArchiveScheme {
  template: string;
  numberDigits: number;
  defaultCategory: string;
  categories: Record<string, string>;
}

export const DEFAULT_ARCHIVE_SCHEME: ArchiveScheme = {
  template: '{year}-{retention}-{category}-{number}',
  numberDigits: 4,
  defaultCategory: 'SB01',
  categories: {},
};

/** A scheme's template is usable: it has each of the four fields once, and only safe characters between. */
export function archiveTemplateIssue(template: string): string | null {
  for (const f of ['{year}', '{retention}', '{category}', '{number}'])
    if (template.split(f).length !== 2) return `the template needs ${f} exactly once`;
  if (!template.endsWith('{number}')) return 'the template ends with {number}';
  const rest = template.replace(/\{(year|retention|category|number)\}/g, '');
  if (!/^[A-Za-z0-9._-]*$/.test(rest))
    return 'only letters, digits, dots, dashes and underscores between the fields';
  return null;
}

/** The volume (案卷) of a filing: the 档号 without its number, e.g. `2026-C-SB01`. */
export function archiveVolume(
  scheme: ArchiveScheme,
  f: { year: number; retention: Retention; categoryId: string },
): string {
  return scheme.template
    .replace('{year}', String(f.year))
    .replace('{retention}', RETENTION_INFO[f.retention].code)
    .replace('{category}', scheme.categories[f.categoryId] ?? scheme.defaultCategory)
    .replace(/[-_.]?\{number\}$/, '');
}

/** The 档号 of the `n`th filing in a volume, e.g. `2026-C-SB01-0007`. */
export function archiveNumber(scheme: ArchiveScheme, volume: string, n: number): string {
  const sep = /([-_.]?)\{number\}$/.exec(scheme.template)?.[1] ?? '';
  return `${volume}${sep}${String(n).padStart(scheme.numberDigits, '0')}`;
}

/** One filed version of a case (the fold of its `archive:filed` facts): what the list and manifest show. */
export interface ArchiveRecord {
  /** 档号. */
  archiveNo: string;
  volume: string;
  caseId: string;
  itemCode: string;
  itemName: string;
  retention: Retention;
  /** 1 for the first filing; a correction files version n + 1 under the same 档号. */
  version: number;
  pdf: { sha256: string; bytes: number; pages: number };
  /** SHA-256 of every material page in the PDF, in order. */
  pageHashes: string[];
  filedAt: number;
  /** Staff id, or `system` for the scheduled filing of closed cases. */
  by: string;
  /** Why a correction was filed (null for version 1). */
  reason: string | null;
}

/** What the fixity check found wrong with one stored file (SPEC ARC-6). */
export interface FixityProblem {
  sha256: string;
  what: 'page' | 'pdf';
  problem: 'missing' | 'mismatch';
  /** The cases (or 档号) that hold it. */
  refs: string[];
}

/** The last fixity check (ARC-6): when (null before any), what it re-hashed, and what it found wrong. */
export interface FixityStatus {
  at: number | null;
  pages: number;
  files: number;
  failed: number;
  ms: number;
  problems: FixityProblem[];
}

/** `archive:*` facts. No personal data; `reason` is staff free text. */
export type ArchiveFact =
  | ({ type: 'archive:filed' } & ArchiveRecord)
  | {
      type: 'archive:fixity-checked';
      pages: number;
      files: number;
      failed: number;
      ms: number;
      by: string;
    }
  | ({ type: 'archive:fixity-failed'; by: string } & FixityProblem)
  | ({ type: 'archive:pages-swept'; by: string } & PageSweepCounts);

/**
 * What one sweep of the page store did (SPEC MAT-SWEEP-1): counts only, no hashes of pages and
 * no personal data. `files` page files were seen; `linked` of them are linked by a case fact or
 * an archive filing and kept; `young` are orphans kept because they are younger than a day;
 * `orphans` were deleted, with `temps` temp files of unfinished writes, freeing `bytes`.
 */
export interface PageSweepCounts {
  files: number;
  linked: number;
  young: number;
  orphans: number;
  temps: number;
  bytes: number;
  ms: number;
}

export const ARCHIVE_FACT_TYPES = [
  'archive:filed',
  'archive:fixity-checked',
  'archive:fixity-failed',
  'archive:pages-swept',
] as const satisfies readonly ArchiveFact['type'][];

export function isArchiveFact<T extends { type: string }>(ev: T): ev is Extract<T, ArchiveFact> {
  return (ARCHIVE_FACT_TYPES as readonly string[]).includes(ev.type);
}

/** A volume's manifest for transfer (SPEC ARC-7): every filed version, with its PDF and page hashes. */
export interface ArchiveManifest {
  volume: string;
  hall: string;
  exportedAt: string;
  files: (Pick<
    ArchiveRecord,
    'archiveNo' | 'caseId' | 'itemCode' | 'itemName' | 'retention' | 'version' | 'pageHashes' | 'filedAt'
  > & {
    pdf: ArchiveRecord['pdf'] & { path: string };
  })[];
}

/**
 * The one CJK font every PDF the hall writes embeds (the half-year report with pdfkit, the archive
 * with pdf-lib): `ONEWINDOW_CJK_FONT` (a .ttf/.otf, or a .ttc with `#PostScriptName`), else a font
 * at a known path of Debian, other Linux or Windows hall PCs, else what fontconfig matches for
 * zh-cn. SPEC HYR-4, ARC-3.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Where Debian (fonts-noto-cjk), other Linux and Windows hall PCs keep a CJK font. */
const CJK_CANDIDATES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#WenQuanYiMicroHei',
  'C:\\Windows\\Fonts\\simhei.ttf',
];

export interface CjkFont {
  path: string;
  /** The face of a collection (.ttc), by PostScript name. */
  family?: string;
}

/** No CJK font: no PDF can be written. Worded for the hall's staff; `tried` is for the integrator. */
export class CjkFontMissing extends Error {
  readonly messageZh: string;
  constructor(readonly tried: string[]) {
    const zh = `未找到可用的中文字体，无法生成PDF。请安装 fonts-noto-cjk，或用环境变量 ONEWINDOW_CJK_FONT 指定字体文件（已尝试：${tried.join('；')}）`;
    super(zh);
    this.messageZh = zh;
  }
}

/** The CJK font to embed: the configured one, a known path, or what fontconfig matches. */
export function locateCjkFont(configured?: string): CjkFont {
  const split = (spec: string): CjkFont => {
    const [path, family] = spec.split('#') as [string, string | undefined];
    return family === undefined ? { path } : { path, family };
  };
  if (configured !== undefined && configured !== '') {
    const f = split(configured);
    if (existsSync(f.path)) return f;
    throw new CjkFontMissing([configured]);
  }
  for (const c of CJK_CANDIDATES) {
    const f = split(c);
    if (existsSync(f.path)) return f;
  }
  try {
    const file = execFileSync('fc-match', ['-f', '%{file}|%{postscriptname}', ':lang=zh-cn'], {
      encoding: 'utf8',
      timeout: 3000,
    });
    const [path, ps] = file.split('|');
    if (path && existsSync(path) && /\.(ttf|otf|ttc)$/i.test(path))
      return path.toLowerCase().endsWith('.ttc') && ps ? { path, family: ps } : { path };
  } catch {
    /* no fontconfig on this PC */
  }
  throw new CjkFontMissing([...CJK_CANDIDATES.map((c) => c.split('#')[0]!), 'fc-match :lang=zh-cn']);
}

/** The located font with its bytes (for pdf-lib, which embeds from bytes). */
export function loadCjkFont(configured?: string): CjkFont & { bytes: Buffer } {
  const f = locateCjkFont(configured);
  return { ...f, bytes: readFileSync(f.path) };
}

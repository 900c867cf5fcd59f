/**
 * A captured page is never stored as sent (SPEC MAT-CAP-2): its kind is read from its bytes (the
 * Content-Type header is the sender's claim), images are decoded and encoded afresh — upright by
 * their EXIF orientation, the long side at most 2480 px (A4 at 300 dpi), no metadata (EXIF, GPS,
 * ICC, text chunks) and nothing after the image data — and a PDF is kept as it is only when it
 * is whole and within the page limit.
 */
import type { ApiError, MaterialPage, MaterialPageMime } from '@onewindow/shared';
import sharp from 'sharp';

/** The largest upload a page may be (a 600 dpi colour A4 PNG from a flatbed is ~25 MB; 300 dpi fits). */
export const MAX_PAGE_BYTES = 20 * 1024 * 1024;
/** The long side of a stored image: A4 at 300 dpi. */
export const MAX_LONG_SIDE = 2480;
/** The most pages one uploaded PDF may have. */
export const MAX_PDF_PAGES = 50;
/** A 20 MB upload that decodes to more pixels than this is a decompression bomb, not a page. */
const MAX_INPUT_PIXELS = 120_000_000;

export type PageResult =
  | { ok: true; data: Buffer; page: Omit<MaterialPage, 'sha256' | 'bytes'> }
  | { ok: false; error: ApiError };

/** The kind of file these bytes are, from their magic numbers; null when none we keep. */
export function sniffPage(bytes: Uint8Array): MaterialPageMime | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-')
    return 'application/pdf';
  return null;
}

const unsupported = (message: string, messageZh: string): PageResult => ({
  ok: false,
  error: { code: 'UNSUPPORTED_MEDIA', message, messageZh },
});

/**
 * The pages of a PDF as its page tree counts them (the largest `/Count` of a `/Type /Pages`
 * node, which is the root's), or null when the tree is inside compressed object streams.
 */
export function pdfPageCount(bytes: Uint8Array): number | null {
  const text = Buffer.from(bytes).toString('latin1');
  let max: number | null = null;
  for (const m of text.matchAll(
    /\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g,
  )) {
    const n = Number(m[1] ?? m[2]);
    if (max === null || n > max) max = n;
  }
  return max;
}

/** Normalises one uploaded page (MAT-CAP-2); refuses with a precise English and a Chinese reason. */
export async function normalisePage(input: Buffer): Promise<PageResult> {
  if (input.length === 0) return unsupported('the upload is empty', '上传的文件是空的');
  if (input.length > MAX_PAGE_BYTES)
    return {
      ok: false,
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: `a page may be at most ${MAX_PAGE_BYTES} bytes; this one is ${input.length}`,
        messageZh: `文件太大：每页不超过 ${MAX_PAGE_BYTES / 1024 / 1024} MB，请降低扫描分辨率后重试`,
      },
    };
  const kind = sniffPage(input);
  if (kind === null)
    return unsupported(
      'the bytes are not a JPEG, PNG or PDF (the Content-Type header is not trusted)',
      '文件格式不支持，请上传 JPEG、PNG 图片或 PDF',
    );
  if (kind === 'application/pdf') {
    const tail = input.subarray(Math.max(0, input.length - 1024)).toString('latin1');
    if (!tail.includes('%%EOF'))
      return unsupported('the PDF is truncated (no %%EOF at its end)', 'PDF 文件不完整，请重新导出后上传');
    const pages = pdfPageCount(input);
    if (pages !== null && pages > MAX_PDF_PAGES)
      return {
        ok: false,
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `a PDF may have at most ${MAX_PDF_PAGES} pages; this one has ${pages}`,
          messageZh: `PDF 页数太多：不超过 ${MAX_PDF_PAGES} 页（此文件 ${pages} 页），请分开上传`,
        },
      };
    if (pages === 0) return unsupported('the PDF has no pages', 'PDF 没有页面');
    return { ok: true, data: input, page: { mime: 'application/pdf' } };
  }
  try {
    const image = sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, animated: false });
    const resized = image
      .rotate()
      .resize({ width: MAX_LONG_SIDE, height: MAX_LONG_SIDE, fit: 'inside', withoutEnlargement: true });
    const out =
      kind === 'image/png'
        ? resized.png({ compressionLevel: 6 })
        : resized.flatten({ background: '#ffffff' }).jpeg({ quality: 85, mozjpeg: true });
    const { data, info } = await out.timeout({ seconds: 20 }).toBuffer({ resolveWithObject: true });
    return { ok: true, data, page: { mime: kind, width: info.width, height: info.height } };
  } catch (e) {
    const why = String((e as Error).message ?? e)
      .split('\n')[0]!
      .slice(0, 160);
    return unsupported(`the image cannot be decoded (${why})`, '图片无法读取，可能已损坏，请重新拍摄或扫描');
  }
}

/**
 * Uploaded images are never stored as sent (SPEC EDGE-3). A file that is a valid PNG or JPEG can
 * still carry HTML or script after its end marker or in a text chunk (a polyglot), and EXIF that
 * names the camera and the place. Decoding it to pixels and encoding a fresh JPEG keeps the
 * picture and drops everything else.
 */
import type { ApiError } from '@onewindow/shared';
import sharp from 'sharp';

/** The window display shows a portrait about 300×400 CSS pixels; twice that covers a 2× screen. */
export const PHOTO_MAX = { width: 600, height: 800 } as const;
/** A 300 KB upload that decodes to more than this is a decompression bomb, not a portrait. */
const MAX_INPUT_PIXELS = 40_000_000;

declare const reencoded: unique symbol;
/** A JPEG this module encoded: the only kind of photo the store accepts. */
export type EncodedPhoto = { mime: 'image/jpeg'; data: Buffer & { readonly [reencoded]: true } };

type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

const refuse = (message: string): { ok: false; error: ApiError } => ({
  ok: false,
  error: { code: 'BAD_REQUEST', message },
});

/**
 * A staff photo re-encoded: a JPEG or PNG in, a JPEG out, turned upright by its EXIF
 * orientation, at most 600×800 (never enlarged), transparency on white, quality 85, with no
 * metadata (EXIF, GPS, XMP, ICC, text chunks) and nothing after the image data.
 */
export async function reencodePhoto(input: Buffer): Promise<Result<EncodedPhoto>> {
  try {
    const image = sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, animated: false });
    const { format } = await image.metadata();
    if (format !== 'jpeg' && format !== 'png')
      return refuse(`send a JPEG or PNG image; this is ${format ?? 'not an image'}`);
    const data = await image
      .rotate()
      .resize({ ...PHOTO_MAX, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85, mozjpeg: true })
      .timeout({ seconds: 10 })
      .toBuffer();
    return { ok: true, data: { mime: 'image/jpeg', data: data as EncodedPhoto['data'] } };
  } catch (e) {
    const why = String((e as Error).message ?? e)
      .split('\n')[0]!
      .slice(0, 160);
    return refuse(`send a JPEG or PNG image; this one cannot be decoded (${why})`);
  }
}

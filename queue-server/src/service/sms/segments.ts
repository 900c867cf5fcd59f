/**
 * SMS bodies in UCS2 (data_coding 8, the encoding Chinese text needs): one message holds 70
 * UTF-16 units; a longer text goes as parts of 67 units, each behind a 6-byte concatenation UDH
 * (IEI 0x00: reference, total, index) so the phone joins them (NOTE-GW-2). Pure.
 */

/** The bytes of one submit_sm's short_message, and whether they start with a UDH. */
export interface SmsPart {
  bytes: Buffer;
  udh: boolean;
}

export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

/** UTF-16 big-endian: what UCS2 on the air is (characters outside the BMP are two units). */
export function ucs2(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return le.swap16();
}

/** Splits a text into UCS2 parts; never between the two halves of a surrogate pair. */
export function ucs2Parts(text: string, reference: number): SmsPart[] {
  if (text.length <= UCS2_SINGLE) return [{ bytes: ucs2(text), udh: false }];
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + UCS2_PART);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(text.slice(i, end));
    i = end;
  }
  if (chunks.length > 255) throw new RangeError('an SMS text of more than 255 parts');
  const ref = reference & 0xff;
  return chunks.map((c, n) => ({
    bytes: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref, chunks.length, n + 1]), ucs2(c)]),
    udh: true,
  }));
}

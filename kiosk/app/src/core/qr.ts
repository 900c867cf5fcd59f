/**
 * A QR code as an SVG path, from the `qrcode` package's encoder only (its renderers and
 * canvas code stay out of the bundle).
 */
// @ts-expect-error: the core encoder has no type declarations of its own (typed below).
import QR from 'qrcode/lib/core/qrcode.js';

interface BitMatrix {
  size: number;
  data: Uint8Array;
}
const encoder = QR as {
  create(text: string, opts: { errorCorrectionLevel: string }): { modules: BitMatrix };
};

/** The modules as one SVG path (`d`) in a `size`×`size` box, plus that size. */
export function qrPath(text: string): { size: number; d: string } {
  const { modules } = encoder.create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = modules;
  let d = '';
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (data[y * size + x]) {
        const start = x;
        while (x < size && data[y * size + x]) x++;
        d += `M${start} ${y}h${x - start}v1h${start - x}z`;
      } else x++;
    }
  }
  return { size, d };
}

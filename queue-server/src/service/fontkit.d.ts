/** fontkit 3 ships no types; the archive PDF uses only what pdf-lib's embedder calls. */
declare module 'fontkit' {
  export function create(buffer: Buffer, postscriptName?: string): unknown;
}

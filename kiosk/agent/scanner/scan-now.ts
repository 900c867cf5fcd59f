/**
 * 扫描 at the console, on the agent's side (SPEC MAT-DEV-2): the server's `device:scan` names a
 * case and material; the agent scans with its profile's settings and uploads each page through
 * the capture route as this terminal (source=scanner; the server captures for the clerk signed
 * on at the window, MAT-CAP-1), then answers with the same request id. Pure of the socket: the
 * agent sends what this returns.
 */
import type { ScanRequest, ScanResult } from '@onewindow/shared';
import { type DocumentScanner, ScanError, uploadScannedPage } from './sane.ts';

/** Scans and uploads; never throws (every failure is a `failed` answer with its code). */
export async function runScan(
  scanner: DocumentScanner,
  server: { url: string; deviceToken: string },
  req: ScanRequest,
): Promise<ScanResult> {
  let pages: Buffer[];
  try {
    pages = scanner.scanAll ? await scanner.scanAll() : [await scanner.scan()];
  } catch (e) {
    return e instanceof ScanError
      ? { requestId: req.requestId, status: 'failed', code: e.code, pages: 0, detail: e.detail.slice(0, 300) }
      : {
          requestId: req.requestId,
          status: 'failed',
          code: 'failed',
          pages: 0,
          detail: String(e).slice(0, 300),
        };
  }
  let linked = 0;
  for (const [i, png] of pages.entries()) {
    let answer: { status: number; body: unknown };
    try {
      // The key makes a retried upload (after a lost answer) link the page once.
      answer = await uploadScannedPage(server, req, png, `scan-${req.requestId}-${i}`);
    } catch (e) {
      return {
        requestId: req.requestId,
        status: 'failed',
        code: 'failed',
        pages: linked,
        detail: `upload failed: ${(e as Error).message}`.slice(0, 300),
      };
    }
    if (answer.status >= 300) {
      const error = (
        answer.body as { error?: { code?: string; message?: string; messageZh?: string } } | null
      )?.error;
      return {
        requestId: req.requestId,
        status: 'failed',
        code: 'refused',
        pages: linked,
        detail: `${answer.status} ${error?.code ?? ''}: ${error?.message ?? ''}`.slice(0, 300),
        ...(error?.messageZh ? { messageZh: error.messageZh.slice(0, 200) } : {}),
      };
    }
    linked++;
  }
  return { requestId: req.requestId, status: 'scanned', pages: linked };
}

/**
 * The electronic case file in the console (SPEC MAT-*): upload a page (camera, file), waive a
 * material, take a page off, and show a page. Pages are fetched with the login's token and shown
 * as blob: URLs (an <img src> could not send the token), and forgotten when the view closes.
 */
import type { Ack, CaseRecord, MaterialPage } from '@onewindow/shared';
import { newIdempotencyKey } from '@onewindow/shared/client';
import { api, authHeader } from './api.ts';

const path = (caseId: string, material: string, what: string) =>
  `/api/cases/${encodeURIComponent(caseId)}/materials/${encodeURIComponent(material)}/${what}`;

/** One page onto a material; the server reads the kind from the bytes. Retried once on a network error. */
export async function uploadPage(
  caseId: string,
  material: string,
  body: Blob,
  source: 'camera' | 'file',
): Promise<Ack<{ case: CaseRecord; page: MaterialPage }>> {
  const key = newIdempotencyKey();
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${path(caseId, material, 'pages')}?source=${source}`, {
        method: 'POST',
        headers: {
          ...authHeader(),
          'content-type': body.type || 'application/octet-stream',
          'idempotency-key': key,
        },
        body,
      });
      return (await res.json()) as Ack<{ case: CaseRecord; page: MaterialPage }>;
    } catch {
      if (attempt >= 1) return { ok: false, error: { code: 'UNAVAILABLE', message: 'network error' } };
    }
  }
}

export const waiveMaterial = (caseId: string, material: string, reason: string) =>
  api<CaseRecord>(
    'POST',
    path(caseId, material, 'waive'),
    { reason },
    { 'idempotency-key': newIdempotencyKey() },
  );

export const removePage = (caseId: string, material: string, sha256: string, reason: string) =>
  api<CaseRecord>(
    'POST',
    path(caseId, material, 'remove'),
    { sha256, reason },
    { 'idempotency-key': newIdempotencyKey() },
  );

/** A page as a blob: URL for this view (the caller revokes it), or the server's refusal. */
export async function pageUrl(
  sha256: string,
): Promise<{ ok: true; url: string } | { ok: false; message: string }> {
  try {
    const res = await fetch(`/api/pages/${sha256}`, { headers: authHeader(), cache: 'no-store' });
    if (!res.ok) {
      const ack = (await res.json().catch(() => null)) as Ack<never> | null;
      return {
        ok: false,
        message: ack && !ack.ok ? (ack.error.messageZh ?? ack.error.message) : `HTTP ${res.status}`,
      };
    }
    return { ok: true, url: URL.createObjectURL(await res.blob()) };
  } catch {
    return { ok: false, message: '网络错误' };
  }
}

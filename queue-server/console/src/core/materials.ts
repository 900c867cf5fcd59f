/**
 * The electronic case file in the console (SPEC MAT-*): upload a page (camera, file), waive a
 * material, take a page off, and show a page. Pages are fetched with the login's token and shown
 * as blob: URLs (an <img src> could not send the token), and forgotten when the view closes.
 */
import type { Ack, CaptureDevices, CaseRecord, DocumentCameraSetting, MaterialPage } from '@onewindow/shared';
import { newIdempotencyKey } from '@onewindow/shared/client';
import { api, authHeader, request } from './api.ts';

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

/** The capture devices of the clerk's window (扫描 shows only with a scanner there; MAT-DEV-2, MAT-DEV-3). */
export const captureDevices = () => api<CaptureDevices>('GET', '/api/capture/devices');

/**
 * 扫描: asks the window's terminal agent to scan onto the material (MAT-DEV-2). The server answers
 * when the agent has linked the page(s), or with the reason in Chinese; a lost answer is said so
 * (the page may still arrive: the checklist updates from the server's facts).
 */
export async function scanMaterial(caseId: string, material: string): Promise<Ack<{ pages: number }>> {
  const r = await request<{ pages: number }>('POST', path(caseId, material, 'scan'));
  if (r.status === 0)
    return {
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: 'network error',
        messageZh: '网络中断：请查看材料是否已归入后再试',
      },
    };
  return r.ack;
}

/** A camera the browser lists (`MediaDeviceInfo` of kind videoinput). */
export interface CameraInfo {
  deviceId: string;
  label: string;
}

/**
 * Which camera is the window's 高拍仪 (MAT-DEV-3): the first whose label matches the profile's
 * pattern (case-insensitive); else the first camera, with a note saying so. Pure.
 */
export function pickDocumentCamera(
  cameras: readonly CameraInfo[],
  setting: DocumentCameraSetting | null,
): { camera: CameraInfo | null; note: string | null } {
  if (cameras.length === 0) return { camera: null, note: '未找到摄像头：请检查高拍仪的数据线' };
  const first = cameras[0]!;
  const firstNote = (why: string) =>
    `${why}，已使用第一个摄像头「${first.label || '未命名'}」 (${setting ? 'no camera matched the profile' : 'no document camera in the profile'}; using the first camera)`;
  if (setting === null) return { camera: first, note: firstNote('本窗口的终端配置未指定高拍仪') };
  let pattern: RegExp;
  try {
    pattern = new RegExp(setting.labelMatch, 'i');
  } catch {
    return { camera: first, note: firstNote('高拍仪配置的名称规则无效') };
  }
  const match = cameras.find((c) => pattern.test(c.label));
  return match
    ? { camera: match, note: null }
    : { camera: first, note: firstNote(`未找到名称符合「${setting.labelMatch}」的高拍仪`) };
}

/** Turns a shot by the profile's rotation (degrees clockwise) onto a new canvas. */
export function rotatedCanvas(
  source: CanvasImageSource,
  w: number,
  h: number,
  rotation: number,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const quarter = rotation === 90 || rotation === 270;
  canvas.width = quarter ? h : w;
  canvas.height = quarter ? w : h;
  const g = canvas.getContext('2d')!;
  g.translate(canvas.width / 2, canvas.height / 2);
  g.rotate((rotation * Math.PI) / 180);
  g.drawImage(source, -w / 2, -h / 2);
  return canvas;
}

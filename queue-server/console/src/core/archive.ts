/**
 * The archive for the console (SPEC ARC-*, ARC-UI-*): the filed list grouped by volume, the PDF
 * and a volume's export as authenticated downloads, the fixity status and the on-demand run (the
 * route wants {"confirm": true}: the screen asks the user first).
 */
import {
  type ArchiveRecord,
  type FixityStatus,
  RETENTION_INFO,
  type Retention,
} from '@onewindow/shared/archive.ts';
import { newIdempotencyKey } from '@onewindow/shared/client';
import type { Ack } from '@onewindow/shared/protocol.ts';
import { api, download } from './api.ts';

export type { ArchiveRecord, FixityStatus };

export const archiveList = (limit = 1000): Promise<Ack<ArchiveRecord[]>> =>
  api<ArchiveRecord[]>('GET', `/api/archive?limit=${limit}`);

export const fixityStatus = (): Promise<Ack<FixityStatus>> => api<FixityStatus>('GET', '/api/archive/fixity');

/** Runs the fixity check now: the caller has asked the user (the run writes facts). */
export const runFixity = (): Promise<Ack<FixityStatus>> =>
  api<FixityStatus>(
    'POST',
    '/api/archive/fixity',
    { confirm: true },
    { 'idempotency-key': newIdempotencyKey() },
  );

/** The PDF of one filed version; null when saved, else the error in Chinese. */
export const downloadPdf = (r: Pick<ArchiveRecord, 'archiveNo' | 'version'>): Promise<string | null> =>
  download(
    `/api/archive/files/${encodeURIComponent(r.archiveNo)}/pdf?version=${r.version}`,
    `${r.archiveNo}_v${r.version}.pdf`,
  );

export const downloadVolume = (volume: string): Promise<string | null> =>
  download(`/api/archive/volumes/${encodeURIComponent(volume)}/export`, `${volume}.tar`);

export const retentionZh = (r: Retention): string => RETENTION_INFO[r].zh;

/** The filed versions by volume, volumes newest first, files by 档号 then version. */
export function byVolume(list: readonly ArchiveRecord[]): { volume: string; files: ArchiveRecord[] }[] {
  const m = new Map<string, ArchiveRecord[]>();
  for (const r of list) m.set(r.volume, [...(m.get(r.volume) ?? []), r]);
  return [...m.entries()]
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([volume, files]) => ({
      volume,
      files: files.sort((a, b) =>
        a.archiveNo === b.archiveNo ? a.version - b.version : a.archiveNo < b.archiveNo ? -1 : 1,
      ),
    }));
}

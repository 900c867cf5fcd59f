/**
 * 补打: the last slip again on the window's ESC/POS printer. The very document the server built
 * (same number, same deadline and case) goes to the window's terminal agent through
 * `POST /api/print-jobs {windowId, document}`; asking `/api/slips` again would number a 回单,
 * 告知单 or 告知书 anew (only an acceptance is idempotent, SLP-5). The slip dialog then shows
 * the print job (or why it failed) and offers A4 as before.
 */
import type { PrintJobQueued } from '@onewindow/shared/api-types.ts';
import type { SlipResult } from '@onewindow/shared/console.ts';
import { useState } from 'preact/hooks';
import { api, errorText } from '../core/api.ts';

export async function reprintAtWindow(windowId: string, slip: SlipResult): Promise<SlipResult> {
  const r = await api<PrintJobQueued>('POST', '/api/print-jobs', {
    windowId,
    document: slip.document,
  });
  if (r.ok) return { ...slip, printJobId: r.data.jobId, printError: null };
  const why = r.error.code === 'NOT_FOUND' ? '本窗口未配对终端（打印机）' : errorText(r.error);
  return { ...slip, printJobId: null, printError: why };
}

export function ReprintButton(props: {
  windowId: string;
  slip: SlipResult;
  onDone: (r: SlipResult) => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class="btn small"
      data-action="reprint"
      disabled={busy}
      title="在本窗口打印机上重新打印 Print again at this window"
      onClick={async () => {
        setBusy(true);
        try {
          props.onDone(await reprintAtWindow(props.windowId, props.slip));
        } finally {
          setBusy(false);
        }
      }}
    >
      补打 Reprint
    </button>
  );
}

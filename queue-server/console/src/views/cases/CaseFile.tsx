/**
 * The electronic case file (SPEC MAT-*): the checklist of the item's guide materials with each
 * one's status and pages, a page viewer with zoom for whoever works on the case, and — for the
 * clerk who took the case in (or any window clerk while it waits for 补正) — capture with the
 * window's document camera (高拍仪, getUserMedia; the camera its terminal profile names, MAT-DEV-3),
 * the window's scanner (扫描: the terminal agent scans and links the page, MAT-DEV-2), a file, or a
 * waiver (免提交) with a reason.
 */

import type { CaptureDevices } from '@onewindow/shared';
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { CaseMaterial, CaseRecord, MaterialStatus } from '@onewindow/shared/cases.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Modal } from '../../components/ui.tsx';
import {
  captureDevices,
  pageUrl,
  pickDocumentCamera,
  rotatedCanvas,
  scanMaterial,
  uploadPage,
  waiveMaterial,
} from '../../core/materials.ts';

const STATUS_LABEL: Record<MaterialStatus, { zh: string; en: string }> = {
  present: { zh: '已采集', en: 'Present' },
  missing: { zh: '缺', en: 'Missing' },
  waived: { zh: '免提交', en: 'Waived' },
  'not-required': { zh: '非必需', en: 'Not required' },
};

const SOURCE_LABEL: Record<string, string> = {
  camera: '高拍仪',
  scanner: '扫描仪',
  file: '文件',
  kiosk: '自助终端表单',
  online: '网上申请',
};

/** Whether this staff member may capture onto the case now (the server decides again, MAT-CAP-1). */
export function canCapture(c: CaseRecord, me: CurrentStaff): boolean {
  const atWindow = me.roles.includes('clerk') || me.roles.includes('rights-clerk');
  if (!atWindow) return false;
  // An instant business's file (MAT-INSTANT-2): its clerk, until it is filed (the server knows).
  if (c.instant === true) return c.intake.includes(me.id);
  if (c.status === 'accepted') return c.intake.includes(me.id);
  return c.status === 'supplementing';
}

export function CaseFile(props: { c: CaseRecord; me: CurrentStaff }) {
  const { c } = props;
  const [viewing, setViewing] = useState<{ material: string; index: number } | null>(null);
  const [camera, setCamera] = useState<string | null>(null);
  const [waiving, setWaiving] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const capture = canCapture(c, props.me);
  const fileFor = useRef<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [devices, setDevices] = useState<CaptureDevices | null>(null);
  const [scanning, setScanning] = useState<string | null>(null);
  useEffect(() => {
    if (!capture) return;
    let live = true;
    void captureDevices().then((r) => {
      if (live && r.ok) setDevices(r.data);
    });
    return () => {
      live = false;
    };
  }, [capture]);

  if (c.materials.length === 0)
    return (
      <p class="dim" data-testid="case-file-none">
        本案受理时尚无电子材料清单 <span class="en">No checklist (accepted before capture)</span>
      </p>
    );

  const send = async (material: string, blob: Blob, source: 'camera' | 'file') => {
    setMessage({ error: false, text: `正在上传「${material}」…` });
    const r = await uploadPage(c.id, material, blob, source);
    setMessage(
      r.ok
        ? { error: false, text: `「${material}」已采集 1 页` }
        : { error: true, text: r.error.messageZh ?? r.error.message },
    );
  };
  const scan = async (material: string) => {
    setScanning(material);
    setMessage({ error: false, text: `正在扫描「${material}」，请稍候… Scanning` });
    const r = await scanMaterial(c.id, material);
    setScanning(null);
    setMessage(
      r.ok
        ? { error: false, text: `「${material}」已扫描 ${r.data.pages} 页` }
        : { error: true, text: r.error.messageZh ?? r.error.message },
    );
  };
  const missing = c.materials.filter((m) => m.required && m.status === 'missing');

  return (
    <div class="case-file" data-testid="case-file">
      {missing.length > 0 && (
        <p class="sod" data-testid="case-file-missing">
          缺少必需材料：{missing.map((m) => `「${m.name}」`).join('、')}（采集或登记免提交后才能
          {c.instant === true ? '归档' : '移交审核'}）
        </p>
      )}
      <table class="list checklist">
        <thead>
          <tr>
            <th>材料 Material</th>
            <th>状态 Status</th>
            <th>页面 Pages</th>
            {capture && <th>采集 Capture</th>}
          </tr>
        </thead>
        <tbody>
          {c.materials.map((m) => (
            <tr key={m.name} data-testid="material-row" data-material={m.name} data-status={m.status}>
              <td>
                {m.name}
                {m.required ? '' : <span class="dim"> · 视情形</span>}
              </td>
              <td>
                <span class={`material-pill ${m.status}`}>{STATUS_LABEL[m.status].zh}</span>
                <span class="en">{STATUS_LABEL[m.status].en}</span>
                {m.source && <div class="dim">{SOURCE_LABEL[m.source] ?? m.source}</div>}
                {m.reason && <div class="dim">「{m.reason}」</div>}
              </td>
              <td>
                {m.pages.map((p, i) => (
                  <button
                    type="button"
                    class="btn small"
                    key={p.sha256}
                    data-testid="page-open"
                    data-sha256={p.sha256}
                    onClick={() => setViewing({ material: m.name, index: i })}
                  >
                    第{i + 1}页{p.mime === 'application/pdf' ? ' PDF' : ''}
                  </button>
                ))}
                {m.pages.length === 0 && <span class="dim">—</span>}
              </td>
              {capture && (
                <td class="capture-actions">
                  <button
                    type="button"
                    class="btn small"
                    data-testid="capture-camera"
                    onClick={() => setCamera(m.name)}
                  >
                    拍照 <span class="en">Camera</span>
                  </button>
                  {devices?.scanner && (
                    <button
                      type="button"
                      class="btn small"
                      data-testid="capture-scan"
                      disabled={scanning !== null}
                      title={devices.scanner.online ? undefined : '扫描仪所在电脑的终端助手未连接'}
                      onClick={() => void scan(m.name)}
                    >
                      {scanning === m.name ? '扫描中…' : '扫描'} <span class="en">Scan</span>
                    </button>
                  )}
                  <button
                    type="button"
                    class="btn small"
                    data-testid="capture-file"
                    onClick={() => {
                      fileFor.current = m.name;
                      fileInput.current?.click();
                    }}
                  >
                    文件 <span class="en">File</span>
                  </button>
                  {m.status !== 'waived' && (
                    <button
                      type="button"
                      class="btn small"
                      data-testid="capture-waive"
                      onClick={() => setWaiving(m.name)}
                    >
                      免提交 <span class="en">Waive</span>
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {message && (
        <p class={message.error ? 'error' : 'dim'} role="status" data-testid="capture-message">
          {message.text}
        </p>
      )}
      <input
        ref={fileInput}
        type="file"
        accept="image/jpeg,image/png,application/pdf"
        hidden
        aria-label="选择材料文件 Choose a file"
        data-testid="capture-file-input"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          const material = fileFor.current;
          e.currentTarget.value = '';
          if (f && material) void send(material, f, 'file');
        }}
      />
      {viewing && (
        <PageViewer
          material={c.materials.find((m) => m.name === viewing.material)!}
          start={viewing.index}
          onClose={() => setViewing(null)}
        />
      )}
      {camera && (
        <CameraDialog
          material={camera}
          setting={devices?.documentCamera ?? null}
          onClose={() => setCamera(null)}
          onShot={async (blob) => {
            await send(camera, blob, 'camera');
          }}
        />
      )}
      {waiving && (
        <WaiveDialog
          material={waiving}
          onClose={() => setWaiving(null)}
          onWaive={async (reason) => {
            const r = await waiveMaterial(c.id, waiving, reason);
            if (!r.ok) return r.error.messageZh ?? r.error.message;
            setWaiving(null);
            setMessage({ error: false, text: `「${waiving}」已登记免提交` });
            return null;
          }}
        />
      )}
    </div>
  );
}

/** One material's pages, one at a time, with zoom; blob URLs are revoked when it closes. */
function PageViewer(props: { material: CaseMaterial; start: number; onClose: () => void }) {
  const [index, setIndex] = useState(props.start);
  const [zoom, setZoom] = useState(1);
  const [shown, setShown] = useState<{ url: string; sha256: string } | { error: string } | null>(null);
  const page = props.material.pages[index];
  useEffect(() => {
    if (page === undefined) return;
    let url: string | null = null;
    let live = true;
    setShown(null);
    void pageUrl(page.sha256).then((r) => {
      if (!r.ok) return live && setShown({ error: r.message });
      url = r.url;
      if (live) setShown({ url: r.url, sha256: page.sha256 });
      else URL.revokeObjectURL(r.url);
    });
    return () => {
      live = false;
      if (url !== null) URL.revokeObjectURL(url);
    };
  }, [page?.sha256]);
  const n = props.material.pages.length;
  return (
    <Modal title={`${props.material.name} · 第${index + 1}/${n}页`} onClose={props.onClose} wide>
      <div class="page-tools">
        <button type="button" class="btn small" disabled={index === 0} onClick={() => setIndex(index - 1)}>
          上一页 <span class="en">Previous</span>
        </button>
        <button type="button" class="btn small" disabled={index >= n - 1} onClick={() => setIndex(index + 1)}>
          下一页 <span class="en">Next</span>
        </button>
        <button
          type="button"
          class="btn small"
          data-testid="zoom-out"
          onClick={() => setZoom(Math.max(0.25, zoom / 1.5))}
        >
          缩小 −
        </button>
        <span class="num" data-testid="zoom-level">
          {Math.round(zoom * 100)}%
        </span>
        <button
          type="button"
          class="btn small"
          data-testid="zoom-in"
          onClick={() => setZoom(Math.min(6, zoom * 1.5))}
        >
          放大 +
        </button>
      </div>
      <div class="page-stage" data-testid="page-stage">
        {shown === null && <p class="dim">加载中… Loading</p>}
        {shown !== null && 'error' in shown && <p class="error">{shown.error}</p>}
        {shown !== null && 'url' in shown && page?.mime === 'application/pdf' && (
          <a class="btn" href={shown.url} download={`${props.material.name}-${index + 1}.pdf`}>
            下载 PDF <span class="en">Download PDF</span>
          </a>
        )}
        {shown !== null && 'url' in shown && page?.mime !== 'application/pdf' && (
          <img
            src={shown.url}
            alt={`${props.material.name} 第${index + 1}页`}
            data-testid="page-image"
            data-sha256={shown.sha256}
            style={{ width: `${zoom * 100}%` }}
          />
        )}
      </div>
    </Modal>
  );
}

/**
 * The window's document camera (高拍仪): the camera whose label matches the terminal profile (else
 * the first, with a note), at the profile's resolution; a live preview and 拍照, a JPEG of the
 * full frame turned by the profile's rotation (MAT-DEV-3).
 */
function CameraDialog(props: {
  material: string;
  setting: CaptureDevices['documentCamera'];
  onClose: () => void;
  onShot: (b: Blob) => Promise<void>;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [used, setUsed] = useState<{ label: string; note: string | null } | null>(null);
  const { setting } = props;
  useEffect(() => {
    let stream: MediaStream | null = null;
    let live = true;
    const size = { width: { ideal: setting?.width ?? 2592 }, height: { ideal: setting?.height ?? 1944 } };
    const open = async () => {
      const media = navigator.mediaDevices;
      if (!media) {
        setError('此浏览器不能使用摄像头（需要 https 或本机地址）');
        return;
      }
      // Labels are listed only once the page may use a camera: ask for any first, then choose.
      let s = await media.getUserMedia({ video: size, audio: false });
      const cameras = (await media.enumerateDevices())
        .filter((d) => d.kind === 'videoinput')
        .map((d) => ({ deviceId: d.deviceId, label: d.label }));
      const pick = pickDocumentCamera(cameras, setting);
      const current = s.getVideoTracks()[0]?.getSettings().deviceId;
      if (pick.camera !== null && pick.camera.deviceId !== current) {
        for (const t of s.getTracks()) t.stop();
        s = await media.getUserMedia({
          video: { ...size, deviceId: { exact: pick.camera.deviceId } },
          audio: false,
        });
      }
      if (!live) {
        for (const t of s.getTracks()) t.stop();
        return;
      }
      stream = s;
      setUsed({ label: pick.camera?.label ?? '', note: pick.note });
      if (video.current) {
        video.current.srcObject = s;
        void video.current.play();
      }
    };
    open().catch((e: Error) =>
      setError(`无法打开高拍仪：${e.name === 'NotAllowedError' ? '未允许使用摄像头' : e.message}`),
    );
    return () => {
      live = false;
      for (const t of stream?.getTracks() ?? []) t.stop();
    };
  }, [setting]);
  const shoot = async () => {
    const v = video.current;
    if (!v || v.videoWidth === 0) return;
    setBusy(true);
    const canvas = rotatedCanvas(v, v.videoWidth, v.videoHeight, setting?.rotation ?? 0);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.92));
    if (blob) await props.onShot(blob);
    setBusy(false);
  };
  return (
    <Modal title={`高拍仪拍照 · ${props.material}`} onClose={props.onClose} wide>
      {error && <p class="error">{error}</p>}
      {used && (
        <p class={used.note ? 'sod' : 'dim'} data-testid="camera-note">
          {used.note ?? `高拍仪：${used.label} Document camera`}
        </p>
      )}
      <video ref={video} class="camera-preview" data-testid="camera-preview" muted playsInline />
      <div class="page-tools">
        <button
          type="button"
          class="btn primary"
          data-testid="camera-shoot"
          disabled={busy || error !== null}
          onClick={shoot}
        >
          拍照 <span class="en">Capture</span>
        </button>
        <button type="button" class="btn" onClick={props.onClose}>
          完成 <span class="en">Done</span>
        </button>
      </div>
    </Modal>
  );
}

function WaiveDialog(props: {
  material: string;
  onClose: () => void;
  onWaive: (reason: string) => Promise<string | null>;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal title={`免提交 · ${props.material}`} onClose={props.onClose}>
      <label class="field">
        原因（必填） <span class="en">Reason, required</span>
        <input
          name="waive-reason"
          class="wide"
          maxLength={200}
          value={reason}
          placeholder="如：经办机构通过数据共享获取"
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </label>
      {error && <p class="error">{error}</p>}
      <button
        type="button"
        class="btn primary"
        data-testid="waive-confirm"
        disabled={reason.trim() === ''}
        onClick={async () => setError(await props.onWaive(reason))}
      >
        登记免提交 <span class="en">Waive</span>
      </button>
    </Modal>
  );
}

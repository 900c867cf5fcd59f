/**
 * 电子档案 (GB/T 31599; SPEC ARC-UI-1..3): the archive volumes and their files (档号, case number,
 * item, 保管期限, version, filed date, pages), the fixity status with every failure; for the
 * manager also a file's PDF, a volume's export for transfer, and the fixity check on demand, which
 * asks for confirmation first (it writes facts). The back office (archive:read) reads only.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Flash, Modal, Panel, Tiles, useFlash } from '../../components/ui.tsx';
import { errorText } from '../../core/api.ts';
import {
  type ArchiveRecord,
  archiveList,
  byVolume,
  downloadPdf,
  downloadVolume,
  type FixityStatus,
  fixityStatus,
  retentionZh,
  runFixity,
} from '../../core/archive.ts';
import { hallDate, hallDateTime } from '../../core/format.ts';
import './archive.css';

export function ArchiveView({ me }: { me: CurrentStaff }) {
  const manager = me.roles.includes('manager');
  const [list, setList] = useState<ArchiveRecord[] | null>(null);
  const [fixity, setFixity] = useState<FixityStatus | null>(null);
  const [q, setQ] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [flash, setFlash] = useFlash();

  const load = async () => {
    const [l, f] = await Promise.all([archiveList(), fixityStatus()]);
    if (l.ok) setList(l.data);
    else setFlash({ kind: 'error', text: errorText(l.error) });
    if (f.ok) setFixity(f.data);
  };
  useEffect(() => {
    void load();
  }, []);

  const needle = q.trim().toUpperCase();
  const volumes = useMemo(
    () =>
      byVolume(
        (list ?? []).filter(
          (r) =>
            needle === '' ||
            r.archiveNo.toUpperCase().includes(needle) ||
            r.caseId.toUpperCase().includes(needle) ||
            r.itemName.includes(q.trim()),
        ),
      ),
    [list, needle],
  );

  const save = async (what: string, run: () => Promise<string | null>) => {
    setBusy(what);
    const err = await run();
    setBusy(null);
    setFlash(
      err === null ? { kind: 'ok', text: `已下载 ${what}` } : { kind: 'error', text: `下载失败：${err}` },
    );
  };

  const fixityNow = async () => {
    setConfirming(false);
    setBusy('fixity');
    const r = await runFixity();
    setBusy(null);
    if (!r.ok) return setFlash({ kind: 'error', text: `检查失败：${errorText(r.error)}` });
    setFixity(r.data);
    setFlash(
      r.data.failed === 0
        ? { kind: 'ok', text: `完整性检查通过：${r.data.pages} 页材料、${r.data.files} 份档案文件均一致` }
        : { kind: 'error', text: `完整性检查发现 ${r.data.failed} 个文件缺失或被改动，已告警` },
    );
  };

  const files = list?.length ?? 0;
  const pages = (list ?? []).reduce((n, r) => n + r.pdf.pages, 0);
  return (
    <div class="archive" data-testid="archive">
      <div class="archive-main">
        <Flash message={flash} />
        <Panel
          title="电子档案"
          en="Archive"
          testid="archive-list"
          actions={
            <div class="row-gap">
              <label class="inline">
                查找 <span class="en">Find</span>
                <input
                  type="search"
                  name="archive-q"
                  placeholder="档号、案件编号或事项"
                  value={q}
                  onInput={(e) => setQ(e.currentTarget.value)}
                />
              </label>
              <button type="button" class="btn small" onClick={() => void load()} data-action="reload">
                刷新 <span class="en">Reload</span>
              </button>
            </div>
          }
        >
          <Tiles
            items={[
              { label: '案卷', en: 'Volumes', value: byVolume(list ?? []).length },
              { label: '档案文件', en: 'Filed versions', value: files },
              { label: '总页数', en: 'Pages', value: pages },
            ]}
          />
          {list === null && <p class="dim">正在读取… Loading…</p>}
          {list !== null && volumes.length === 0 && (
            <p class="dim">
              {list.length === 0 ? '尚无归档案件 Nothing filed yet' : '没有符合条件的档案 No match'}
            </p>
          )}
          {volumes.map((vol) => (
            <section class="archive-volume" key={vol.volume} data-volume={vol.volume}>
              <header class="archive-volume-head">
                <h3>
                  案卷 <span class="num">{vol.volume}</span>
                  <span class="dim">
                    {' '}
                    · {vol.files.length} 件 · {retentionZh(vol.files[0]!.retention)}
                  </span>
                </h3>
                {manager && (
                  <button
                    type="button"
                    class="btn small"
                    disabled={busy !== null}
                    onClick={() => void save(`${vol.volume}.tar`, () => downloadVolume(vol.volume))}
                    data-action="export-volume"
                  >
                    导出移交 <span class="en">Export (tar)</span>
                  </button>
                )}
              </header>
              <table class="table compact">
                <thead>
                  <tr>
                    <th>档号 Archive no.</th>
                    <th>版本 Ver.</th>
                    <th>案件编号 Case</th>
                    <th>事项 Item</th>
                    <th>保管期限 Retention</th>
                    <th>归档日期 Filed</th>
                    <th class="right">页数 Pages</th>
                    {manager && <th>PDF</th>}
                  </tr>
                </thead>
                <tbody>
                  {vol.files.map((r) => (
                    <tr
                      key={`${r.archiveNo}-${r.version}`}
                      data-archive-no={r.archiveNo}
                      data-case={r.caseId}
                    >
                      <td class="num">{r.archiveNo}</td>
                      <td class="num">
                        {r.version}
                        {r.reason && (
                          <span class="dim" title={r.reason}>
                            {' '}
                            更正
                          </span>
                        )}
                      </td>
                      <td class="num">{r.caseId}</td>
                      <td>{r.itemName}</td>
                      <td>{retentionZh(r.retention)}</td>
                      <td class="num" title={hallDateTime(r.filedAt)}>
                        {hallDate(r.filedAt)}
                      </td>
                      <td class="right num">{r.pdf.pages}</td>
                      {manager && (
                        <td>
                          <button
                            type="button"
                            class="btn small"
                            disabled={busy !== null}
                            onClick={() => void save(`${r.archiveNo} PDF`, () => downloadPdf(r))}
                            data-action="download-pdf"
                            aria-label={`下载 PDF：${r.archiveNo} 第 ${r.version} 版`}
                          >
                            下载 <span class="en">PDF</span>
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </Panel>
      </div>
      <div class="archive-side">
        <Panel
          title="完整性检查"
          en="Fixity check"
          testid="archive-fixity"
          actions={
            manager && (
              <button
                type="button"
                class="btn primary small"
                disabled={busy !== null}
                onClick={() => setConfirming(true)}
                data-action="run-fixity"
              >
                {busy === 'fixity' ? '检查中…' : '立即检查'} <span class="en">Run now</span>
              </button>
            )
          }
        >
          <FixityPanel f={fixity} />
        </Panel>
      </div>
      {confirming && (
        <Modal title="完整性检查确认 Run the fixity check" onClose={() => setConfirming(false)}>
          <div class="stack">
            <p>
              将重新计算全部材料页和档案 PDF 的 SHA-256
              并与登记值比对；发现缺失或改动即记录告警。文件较多时需数分钟。
              <br />
              <span class="en">
                Every stored page and archive PDF is re-hashed; each missing or changed file is recorded as a
                failure. It may take minutes.
              </span>
            </p>
            <div class="dialog-actions">
              <button type="button" class="btn" onClick={() => setConfirming(false)}>
                取消 <span class="en">Cancel</span>
              </button>
              <button
                type="button"
                class="btn primary"
                onClick={() => void fixityNow()}
                data-action="confirm-fixity"
              >
                开始检查 <span class="en">Run</span>
              </button>
            </div>
          </div>
        </Modal>
      )}
    </div>
  );
}

function FixityPanel({ f }: { f: FixityStatus | null }) {
  if (f === null) return <p class="dim">正在读取… Loading…</p>;
  if (f.at === null) return <p class="dim">尚未检查过 Never run</p>;
  return (
    <div data-testid="fixity-status" data-failed={f.failed}>
      <p class={f.failed === 0 ? 'fixity-banner ok' : 'fixity-banner bad'}>
        {f.failed === 0 ? '全部一致 All files intact' : `${f.failed} 个文件缺失或被改动 ${f.failed} failures`}
      </p>
      <table class="kv">
        <tbody>
          <tr>
            <th>检查时间 Checked</th>
            <td class="num">{hallDateTime(f.at)}</td>
          </tr>
          <tr>
            <th>材料页 Pages</th>
            <td class="num">{f.pages}</td>
          </tr>
          <tr>
            <th>档案文件 Files</th>
            <td class="num">{f.files}</td>
          </tr>
          <tr>
            <th>用时 Took</th>
            <td class="num">{f.ms} ms</td>
          </tr>
        </tbody>
      </table>
      {f.problems.length > 0 && (
        <table class="table compact fixity-problems" data-testid="fixity-problems">
          <thead>
            <tr>
              <th>文件 File</th>
              <th>问题 Problem</th>
              <th>所属 Held by</th>
            </tr>
          </thead>
          <tbody>
            {f.problems.map((p) => (
              <tr key={`${p.what}-${p.sha256}`} data-sha256={p.sha256}>
                <td>
                  {p.what === 'page' ? '材料页' : '档案 PDF'}{' '}
                  <span class="num dim" title={p.sha256}>
                    {p.sha256.slice(0, 12)}…
                  </span>
                </td>
                <td class="bad">{p.problem === 'missing' ? '文件缺失' : '内容被改动'}</td>
                <td class="num">{p.refs.join('、')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/**
 * 短信模板 (SPEC NOTE-UI-1..3): the hall's registered SMS templates — purpose, registered text with
 * its `{placeholders}` highlighted, the operator's template code — and an editor that checks the
 * text as the admin types (`checkTemplate`), shows a sample with example values, asks for a
 * confirmation and says the server's refusal in Chinese. Loaded on demand; zod-free.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { NoticeTemplate, NoticeTemplateId } from '@onewindow/shared/notices.ts';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Modal, Panel, useFlash } from '../../components/ui.tsx';
import { api, errorText } from '../../core/api.ts';
import { hallDateTime } from '../../core/format.ts';
import { checkTemplate, PARAM_LABEL, TEMPLATE_PURPOSE, templatePieces } from '../../core/notices.ts';
import './notices.css';

export function TemplatesView(_props: { me: CurrentStaff }) {
  const [list, setList] = useState<NoticeTemplate[] | null>(null);
  const [editing, setEditing] = useState<NoticeTemplate | null>(null);
  const [flash, setFlash] = useFlash();

  const load = async () => {
    const r = await api<NoticeTemplate[]>('GET', '/api/notice-templates');
    if (r.ok) setList(r.data);
    else setFlash({ kind: 'error', text: errorText(r.error) });
  };
  useEffect(() => {
    void load();
  }, []);

  return (
    <div class="notices" data-testid="sms-templates">
      <Panel title="短信模板" en="SMS templates">
        <p class="dim">
          短信模板须先在运营商处报备，此处的内容和模板编号必须与报备一致；短信只发送模板编号和参数，不发送自由文本。
          <span class="en">Registered with the operator: keep the text and code as registered.</span>
        </p>
        <Flash message={flash} />
        {list === null ? (
          '载入中…'
        ) : (
          <table class="table compact">
            <thead>
              <tr>
                <th scope="col">用途</th>
                <th scope="col">报备内容</th>
                <th scope="col">运营商模板编号</th>
                <th scope="col">修改时间</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <tr key={t.id} data-template={t.id}>
                  <td>
                    {TEMPLATE_PURPOSE[t.id].zh}
                    <div class="dim tpl-small">
                      <code>{t.id}</code>
                    </div>
                  </td>
                  <td class="tpl-text">
                    <TemplateText id={t.id} text={t.text} />
                  </td>
                  <td>
                    <code data-testid="operator-code">{t.operatorCode}</code>
                  </td>
                  <td class="nowrap">{t.updatedAt > 0 ? hallDateTime(t.updatedAt) : '初始模板'}</td>
                  <td>
                    <button type="button" class="btn small" onClick={() => setEditing(t)} data-action="edit">
                      修改 <span class="en">Edit</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {editing && (
        <TemplateEditor
          template={editing}
          onClose={() => setEditing(null)}
          onSaved={(t) => {
            setEditing(null);
            setList((l) => l?.map((x) => (x.id === t.id ? t : x)) ?? l);
            setFlash({ kind: 'ok', text: `已保存「${TEMPLATE_PURPOSE[t.id].zh}」模板 Saved` });
          }}
        />
      )}
    </div>
  );
}

/** The text with each placeholder as a chip: its Chinese meaning, red when its notices lack it. */
function TemplateText({ id, text }: { id: NoticeTemplateId; text: string }) {
  return (
    <span>
      {templatePieces(id, text).map((p, i) =>
        p.kind === 'text' ? (
          <span key={i}>{p.text}</span>
        ) : (
          <mark
            key={i}
            class={p.allowed ? 'ph' : 'ph bad'}
            title={p.allowed ? PARAM_LABEL(p.name) : '此参数不可用'}
          >
            {`{${p.name}}`}
            <span class="ph-zh">{p.allowed ? PARAM_LABEL(p.name) : '不可用'}</span>
          </mark>
        ),
      )}
    </span>
  );
}

function TemplateEditor(props: {
  template: NoticeTemplate;
  onClose: () => void;
  onSaved: (t: NoticeTemplate) => void;
}) {
  const t = props.template;
  const [text, setText] = useState(t.text);
  const [code, setCode] = useState(t.operatorCode);
  const [confirming, setConfirming] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const check = checkTemplate(t.id, text, code);
  const purpose = TEMPLATE_PURPOSE[t.id];

  const save = async () => {
    setBusy(true);
    const r = await api<NoticeTemplate>('PUT', `/api/notice-templates/${t.id}`, {
      text: text.trim(),
      operatorCode: code.trim(),
    });
    setBusy(false);
    setConfirming(false);
    if (r.ok) props.onSaved(r.data);
    else setRefusal(errorText(r.error));
  };

  return (
    <Modal title={`修改短信模板：${purpose.zh}`} onClose={props.onClose} wide>
      <form
        class="stack tpl-editor"
        data-testid="template-editor"
        onSubmit={(e) => {
          e.preventDefault();
          setRefusal(null);
          setConfirming(true);
        }}
      >
        <label class="field">
          报备内容 <span class="en">Registered text</span>
          <textarea
            name="text"
            rows={4}
            value={text}
            onInput={(e) => {
              setText(e.currentTarget.value);
              setConfirming(false);
            }}
          />
        </label>
        <div class="ph-list" data-testid="placeholders">
          <span>可用参数：</span>
          {check.allowed.map((p) => (
            <mark key={p} class={check.used.includes(p) ? 'ph' : 'ph unused'}>
              {`{${p}}`}
              <span class="ph-zh">
                {PARAM_LABEL(p)}
                {check.used.includes(p) ? '' : '（未使用）'}
              </span>
            </mark>
          ))}
        </div>
        {check.missing.length > 0 && (
          <p class="dim" data-testid="missing">
            未使用的参数不会出现在短信中：{check.missing.map((p) => PARAM_LABEL(p)).join('、')}
          </p>
        )}
        <label class="field">
          运营商模板编号 <span class="en">Operator template code</span>
          <input
            name="operatorCode"
            value={code}
            onInput={(e) => {
              setCode(e.currentTarget.value);
              setConfirming(false);
            }}
          />
        </label>
        {check.errors.length > 0 && (
          <div role="alert" data-testid="template-errors">
            <ul class="error">
              {check.errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        )}
        <div class="tpl-sample" data-testid="sample">
          <div class="dim tpl-small">
            示例短信（示例参数，{check.parts} 条短信）<span class="en">Sample</span>
          </div>
          <TemplateText id={t.id} text={check.sample} />
        </div>
        {refusal && (
          <p class="tpl-refusal" role="alert" data-testid="refusal">
            服务器拒绝保存：{refusal}
          </p>
        )}
        {confirming ? (
          <div class="confirm" data-testid="confirm">
            <p>
              确认保存？内容和模板编号必须与运营商的报备一致，否则短信将无法发送。
              <span class="en">The text and code must match the operator's registration.</span>
            </p>
            <div class="row-gap">
              <button type="button" class="btn primary" disabled={busy} onClick={save} data-action="confirm">
                确认保存 <span class="en">Save</span>
              </button>
              <button type="button" class="btn" onClick={() => setConfirming(false)}>
                返回修改 <span class="en">Back</span>
              </button>
            </div>
          </div>
        ) : (
          <div class="row-gap">
            <button type="submit" class="btn primary" data-action="save">
              保存 <span class="en">Save</span>
            </button>
            <button type="button" class="btn" onClick={props.onClose}>
              取消 <span class="en">Cancel</span>
            </button>
          </div>
        )}
      </form>
    </Modal>
  );
}

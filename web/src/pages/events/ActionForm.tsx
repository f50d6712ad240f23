// The form of one action (reject, assign, reassign, return, resolve, reopen, merge, rate): a modal
// with exactly the fields the action takes. It sends the version the drawer read; a 409 version
// conflict goes back to the drawer (which reloads), every other refusal is shown here, in place.
import { Alert, Form, Input, Modal, Rate, Select, Space, Tag } from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import { unitsApi } from '../../api/endpoints';
import type { UnitRef } from '../../api/events';
import { type EventAction, type EventDetail, eventsApi } from '../../api/events';
import { type PhotoFile, PhotoUpload, stillUploading, uploadedIds } from '../../components/PhotoUpload';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { loadDepartments } from './lookups';
import {
  ACTION_SPECS,
  type ActionValues,
  buildTransition,
  defaultHandler,
  encodeHandler,
  handlerOptions,
} from './model';

export interface ActionFormProps {
  action: EventAction;
  event: EventDetail;
  onDone: (next: EventDetail) => void;
  onConflict: () => void;
  onCancel: () => void;
}

const MAX_PHOTOS = 9;

export function isVersionConflict(e: unknown): boolean {
  return isApiError(e, 409) && e.code === 'events.version_conflict';
}

export function ActionForm({ action, event, onDone, onConflict, onCancel }: ActionFormProps) {
  const { t, tc, errorText } = useI18n();
  const [form] = Form.useForm<ActionValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [files, setFiles] = useState<PhotoFile[]>([]);
  const spec = ACTION_SPECS[action];
  const has = (f: (typeof spec.fields)[number]) => spec.fields.includes(f);
  const uploading = stillUploading(files);

  const submit = async () => {
    let values: ActionValues;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    const mediaIds = uploadedIds(files);
    setBusy(true);
    setError(null);
    try {
      const next = await eventsApi.transition(
        event.id,
        buildTransition(action, event.version, { ...values, mediaIds }),
      );
      onDone(next);
    } catch (e) {
      if (isVersionConflict(e)) onConflict();
      else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={`${tc('events.action', action)} · ${event.trackingNo}`}
      okText={t('events.form.submit')}
      onOk={() => void submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      okButtonProps={{ disabled: uploading, danger: spec.danger, 'data-testid': 'action-submit' } as never}
      destroyOnHidden
      width={560}
      data-testid="action-modal"
      className="event-action-modal"
    >
      {error && (
        <Alert
          type="error"
          showIcon
          message={error}
          className="event-action-error"
          data-testid="action-error"
        />
      )}
      <Form
        form={form}
        layout="vertical"
        requiredMark
        initialValues={{ assignee: defaultHandler(action, event.route, event.assignee) }}
        onFinish={() => void submit()}
      >
        {has('assignee') && (
          <Form.Item
            name="assignee"
            label={t('events.form.assignee')}
            rules={[{ required: true, message: t('events.form.assigneeRequired') }]}
          >
            <HandlerPicker event={event} />
          </Form.Item>
        )}
        {has('target') && (
          <Form.Item
            name="targetEventId"
            label={t('events.form.target')}
            rules={[{ required: true, message: t('events.form.targetRequired') }]}
          >
            <TargetPicker event={event} />
          </Form.Item>
        )}
        {has('rating') && (
          <Form.Item
            name="rating"
            label={t('events.form.rating')}
            rules={[{ required: true, message: t('events.form.ratingRequired') }]}
          >
            <Rate />
          </Form.Item>
        )}
        {has('reason') && (
          <Form.Item
            name="reason"
            label={t('events.form.reason')}
            rules={[{ required: true, whitespace: true, message: t('events.form.reasonRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={500} showCount data-testid="action-reason" />
          </Form.Item>
        )}
        {has('note') && (
          <Form.Item
            name="note"
            label={t('events.form.note')}
            rules={[{ required: true, whitespace: true, message: t('events.form.noteRequired') }]}
          >
            <Input.TextArea
              rows={4}
              maxLength={2000}
              showCount
              placeholder={t('events.form.notePlaceholder')}
              data-testid="action-note"
            />
          </Form.Item>
        )}
        {has('comment') && (
          <Form.Item name="comment" label={t('events.form.comment')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        )}
        {has('media') && (
          <Form.Item label={t('events.form.photos')}>
            <PhotoUpload
              files={files}
              onChange={setFiles}
              max={MAX_PHOTOS}
              label={t('events.form.upload')}
              labelClassName="event-upload-label"
              onError={(e) => setError(errorText(e))}
              testId="action-upload"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** The handler picker: the suggested route first, the units of the event's place, the center, the departments. */
function HandlerPicker({
  event,
  value,
  onChange,
}: {
  event: EventDetail;
  value?: string;
  onChange?: (v: string) => void;
}) {
  const { t, tc } = useI18n();
  const departments = useAsync(() => loadDepartments(), []);
  // the county above the place's town: where the center sits (the place chain starts at the town)
  const first = event.place[0];
  const center = useAsync(
    first ? (signal) => unitsApi.get(first.id, signal).then((u) => countyOf(u.ancestors, u)) : null,
    [first?.id],
  );
  const options = useMemo(
    () => handlerOptions(event.route, event.place, center.data ?? null, departments.data ?? []),
    [event.route, event.place, center.data, departments.data],
  );
  const current = event.assignee ? encodeHandler(event.assignee) : null;
  const render = (o: (typeof options)[number]) => ({
    value: o.value,
    label: o.name,
    title: o.name,
    'data-testid': `handler-${o.value}`,
    display: (
      <Space size={4} className="handler-option">
        <span>{o.name}</span>
        <Tag bordered={false}>{tc('events.level', o.level)}</Tag>
        {o.suggested && <Tag color="green">{t('events.form.suggested')}</Tag>}
        {o.value === current && <Tag color="blue">{t('events.form.current')}</Tag>}
      </Space>
    ),
  });
  const suggested = options.filter((o) => o.suggested).map(render);
  const place = options.filter((o) => o.kind === 'unit' && !o.suggested).map(render);
  const depts = options.filter((o) => o.kind === 'department' && !o.suggested).map(render);
  return (
    <Select
      showSearch
      value={value}
      onChange={onChange}
      loading={departments.loading || center.loading}
      placeholder={t('events.form.assigneeSearch')}
      optionFilterProp="label"
      optionRender={(o) => (o.data as { display?: ReactNode }).display ?? o.label}
      options={[
        ...(suggested.length > 0
          ? [{ label: t('events.form.groupSuggested'), title: 'suggested', options: suggested }]
          : []),
        { label: t('events.form.groupPlace'), title: 'place', options: place },
        { label: t('events.form.groupDepartments'), title: 'departments', options: depts },
      ]}
      data-testid="handler-picker"
    />
  );
}

function countyOf(ancestors: readonly UnitRef[], self: UnitRef): UnitRef | null {
  return [...ancestors, self].find((u) => u.level === 'county') ?? null;
}

/** The event to merge into: the possible duplicates first, any other by its tracking number. */
function TargetPicker({
  event,
  value,
  onChange,
}: {
  event: EventDetail;
  value?: number;
  onChange?: (v: number) => void;
}) {
  const { t, tc, lang } = useI18n();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<{ id: number; trackingNo: string; state: string; what: string }[]>([]);
  useEffect(() => {
    const text = q.trim();
    if (text.length < 3) {
      setFound([]);
      return;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      eventsApi
        .list(
          {
            q: text,
            view: 'all',
            state: 'submitted,accepted,assigned,in_progress,returned,reopened',
            pageSize: 10,
          },
          ctl.signal,
        )
        .then((p) =>
          setFound(
            p.items
              .filter((e) => e.id !== event.id)
              .map((e) => ({
                id: e.id,
                trackingNo: e.trackingNo,
                state: e.state,
                what: lang === 'en' ? e.category.name.en : e.category.name.zh,
              })),
          ),
        )
        .catch(() => setFound([]));
    }, 250);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [q, event.id, lang]);
  const dups = event.duplicates.map((d) => ({
    id: d.id,
    trackingNo: d.trackingNo,
    state: d.state,
    what: d.description,
  }));
  const all = [...dups, ...found.filter((f) => !dups.some((d) => d.id === f.id))];
  return (
    <Select
      showSearch
      value={value}
      onChange={onChange}
      filterOption={false}
      onSearch={setQ}
      placeholder={t('events.form.targetSearch')}
      options={all.map((e) => ({
        value: e.id,
        label: (
          <span className="target-option">
            <code>{e.trackingNo}</code> <Tag bordered={false}>{tc('events.state', e.state)}</Tag>
            <span className="target-option-what">{e.what}</span>
          </span>
        ),
      }))}
      data-testid="target-picker"
    />
  );
}

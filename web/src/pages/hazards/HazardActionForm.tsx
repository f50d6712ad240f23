// The form of one hazard action: a modal with exactly the fields the action takes (the route with the
// suggestion filled in, a reason, the item to merge into, the rectifying party and a deadline defaulting
// from the severity, the evidence photos). It sends the version the drawer read; a 409 version conflict
// goes back to the drawer (which reloads), every other refusal is shown here, in place.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, DatePicker, Form, Input, Modal, Select, Upload, type UploadFile } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import type { Media } from '../../api/events';
import { eventsApi } from '../../api/events';
import { type HazardAction, type HazardDetail, hazardsApi, SEVERITIES } from '../../api/hazards';
import { useI18n } from '../../i18n';
import { isAbort, useAsync } from '../../lib/useAsync';
import { dayjs } from '../events/dayjs';
import { loadDepartments } from '../events/lookups';
import { loadDomains, loadTowns } from './bits';
import {
  buildHazardTransition,
  defaultDeadlineDate,
  defaultParty,
  FALLBACK_HOURS,
  HAZARD_ACTION_SPECS,
  type HazardActionValues,
  needsReason,
  partyOptions,
} from './model';

const MAX_PHOTOS = 9;

export function isHazardVersionConflict(e: unknown): boolean {
  return isApiError(e, 409) && e.code === 'hazards.version_conflict';
}

/** The error in the user's words; a 422's reason (which field was missing) is added from the server. */
export function hazardErrorText(e: unknown, errorText: (e: unknown) => string): string {
  const base = errorText(e);
  return isApiError(e, 422) && e.detail && !base.includes(e.detail) ? `${base}（${e.detail}）` : base;
}

interface FormValues extends Omit<HazardActionValues, 'deadline'> {
  deadline?: ReturnType<typeof dayjs> | null;
}

export function HazardActionForm({
  action,
  hazard,
  onDone,
  onConflict,
  onCancel,
}: {
  action: HazardAction;
  hazard: HazardDetail;
  onDone: (next: HazardDetail) => void;
  onConflict: () => void;
  onCancel: () => void;
}) {
  const { t, tc, errorText } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [files, setFiles] = useState<UploadFile<{ items: Media[] }>[]>([]);
  const spec = HAZARD_ACTION_SPECS[action];
  const has = (f: (typeof spec.fields)[number]) => spec.fields.includes(f);
  const uploading = files.some((f) => f.status === 'uploading');
  const domains = useAsync(() => loadDomains(), []);
  const domain = domains.data?.find((d) => d.code === hazard.domain.code);
  const hours = domain?.deadlineHours[hazard.severity] ?? FALLBACK_HOURS[hazard.severity];
  const defaultDeadline = defaultDeadlineDate(new Date(), hazard.severity, domain);

  // the domain's hours arrive after the first render: propose their deadline unless one was chosen
  // biome-ignore lint/correctness/useExhaustiveDependencies: once the domain is known
  useEffect(() => {
    if (domain && has('deadline') && action !== 'extend_deadline' && !form.isFieldTouched('deadline'))
      form.setFieldsValue({ deadline: dayjs(defaultDeadlineDate(new Date(), hazard.severity, domain)) });
  }, [domain]);

  const route = hazard.route ?? hazard.suggestion;
  const initialValues: FormValues = {
    townId: route.town?.id,
    departmentId: route.department?.id,
    assignee: defaultParty(hazard, action),
    severity: hazard.severity,
    deadline: has('deadline') && action !== 'extend_deadline' ? dayjs(defaultDeadline) : undefined,
  };

  const submit = async () => {
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const mediaIds = files.flatMap((f) =>
      f.status === 'done' ? (f.response?.items.map((m) => m.id) ?? []) : [],
    );
    if (has('media') && mediaIds.length === 0) {
      setError(t('hazards.form.mediaRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = buildHazardTransition(
        action,
        hazard.version,
        { ...values, deadline: values.deadline ? values.deadline.format('YYYY-MM-DD') : undefined, mediaIds },
        hazard,
      );
      onDone(await hazardsApi.transition(hazard.id, body));
    } catch (e) {
      if (isHazardVersionConflict(e)) onConflict();
      else setError(hazardErrorText(e, errorText));
    } finally {
      setBusy(false);
    }
  };

  const parties = useMemo(() => partyOptions(hazard), [hazard]);

  return (
    <Modal
      open
      title={`${tc('hazards.action', action)} · ${hazard.trackingNo}`}
      okText={t('hazards.form.submit')}
      onOk={() => void submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      okButtonProps={{ disabled: uploading, danger: spec.danger, 'data-testid': 'hazard-form-ok' } as never}
      destroyOnHidden
      width={560}
      data-testid="hazard-action-modal"
    >
      {error && (
        <Alert
          type="error"
          showIcon
          message={error}
          className="event-action-error"
          data-testid="hazard-action-error"
        />
      )}
      <Form
        form={form}
        layout="vertical"
        requiredMark
        initialValues={initialValues}
        onFinish={() => void submit()}
      >
        {has('route') && (
          <>
            <Form.Item
              name="townId"
              label={t('hazards.form.town')}
              rules={[{ required: true, message: t('hazards.form.routeRequired') }]}
            >
              <TownSelect />
            </Form.Item>
            <Form.Item
              name="departmentId"
              label={t('hazards.form.department')}
              rules={[{ required: true, message: t('hazards.form.routeRequired') }]}
            >
              <DepartmentSelect />
            </Form.Item>
          </>
        )}
        {has('severity') && (
          <Form.Item name="severity" label={t('hazards.form.severity')}>
            <Select options={SEVERITIES.map((s) => ({ value: s, label: tc('hazards.severity', s) }))} />
          </Form.Item>
        )}
        {has('target') && (
          <Form.Item
            name="targetHazardId"
            label={t('hazards.form.target')}
            rules={[{ required: true, message: t('hazards.form.targetRequired') }]}
          >
            <TargetSelect hazard={hazard} />
          </Form.Item>
        )}
        {has('assignee') && (
          <Form.Item
            name="assignee"
            label={t('hazards.form.assignee')}
            rules={[{ required: true, message: t('hazards.form.assigneeRequired') }]}
          >
            <Select
              data-testid="hazard-assignee-select"
              options={parties.map((p) => ({
                value: p.value,
                label: `${p.label}（${tc('hazards.party', p.kind)}）`,
              }))}
            />
          </Form.Item>
        )}
        {(has('deadline') || has('optionalDeadline')) && (
          <Form.Item
            name="deadline"
            label={has('deadline') ? t('hazards.form.deadline') : t('hazards.form.newDeadline')}
            extra={
              action === 'assign' || action === 'reassign'
                ? t('hazards.form.deadlineHint', {
                    severity: tc('hazards.severity', hazard.severity),
                    days: Math.round((hours / 24) * 10) / 10,
                  })
                : undefined
            }
            rules={has('deadline') ? [{ required: true, message: t('hazards.form.deadlineRequired') }] : []}
          >
            <DatePicker
              className="hazard-deadline"
              data-testid="hazard-deadline"
              disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
            />
          </Form.Item>
        )}
        {has('media') && (
          <Form.Item label={t('hazards.form.media')} required>
            <Upload<{ items: Media[] }>
              listType="picture-card"
              accept="image/jpeg,image/png,image/webp,image/heic,image/heif"
              multiple
              fileList={files}
              maxCount={MAX_PHOTOS}
              onChange={({ fileList }) => setFiles(fileList)}
              customRequest={({ file, onSuccess, onError }) => {
                eventsApi.upload([file as File]).then(
                  (r) => onSuccess?.(r),
                  (e: unknown) => {
                    if (!isAbort(e)) setError(errorText(e));
                    onError?.(e as Error);
                  },
                );
              }}
              data-testid="hazard-upload"
            >
              {files.length >= MAX_PHOTOS ? null : (
                <div>
                  <PlusOutlined />
                  <div>{t('hazards.form.upload')}</div>
                </div>
              )}
            </Upload>
          </Form.Item>
        )}
        {(needsReason(action, hazard.state) || has('optionalReason')) && (
          <Form.Item
            name="reason"
            label={t('hazards.form.reason')}
            rules={
              needsReason(action, hazard.state)
                ? [{ required: true, whitespace: true, message: t('hazards.form.reasonRequired') }]
                : []
            }
          >
            <Input.TextArea rows={2} maxLength={500} showCount data-testid="hazard-reason" />
          </Form.Item>
        )}
        {has('note') && (
          <Form.Item name="note" label={t('hazards.form.note')}>
            <Input.TextArea rows={2} maxLength={2000} data-testid="hazard-note" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function TownSelect({ value, onChange }: { value?: number; onChange?: (v: number) => void }) {
  const towns = useAsync(() => loadTowns(), []);
  return (
    <Select
      value={value}
      onChange={onChange}
      showSearch
      optionFilterProp="label"
      loading={towns.loading}
      options={(towns.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
      data-testid="hazard-route-town"
    />
  );
}

function DepartmentSelect({ value, onChange }: { value?: number; onChange?: (v: number) => void }) {
  const departments = useAsync(() => loadDepartments(), []);
  return (
    <Select
      value={value}
      onChange={onChange}
      showSearch
      optionFilterProp="label"
      loading={departments.loading}
      options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
      data-testid="hazard-route-department"
    />
  );
}

/** Finds the open item this one duplicates: same domain nearby first, by number or words. */
function TargetSelect({
  hazard,
  value,
  onChange,
}: {
  hazard: HazardDetail;
  value?: number;
  onChange?: (v: number) => void;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const found = useAsync(
    (signal) =>
      hazardsApi.list(
        {
          view: 'all',
          domain: q ? undefined : hazard.domain.code,
          q: q || undefined,
          state: 'reported,triaged,confirmed,consolidated,assigned,rectifying,verifying',
          pageSize: 20,
        },
        signal,
      ),
    [q, hazard.id],
  );
  return (
    <Select
      value={value}
      onChange={onChange}
      showSearch
      filterOption={false}
      onSearch={setQ}
      placeholder={t('hazards.form.targetSearch')}
      loading={found.loading}
      options={(found.data?.items ?? [])
        .filter((h) => h.id !== hazard.id)
        .map((h) => ({ value: h.id, label: `${h.trackingNo} · ${h.description.slice(0, 30)}` }))}
      data-testid="hazard-target"
    />
  );
}

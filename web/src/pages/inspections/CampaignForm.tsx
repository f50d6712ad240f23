// Planning a campaign (safety office): its name, covert (暗访) or self-inspection (自查), the area the
// targets are drawn from, the days, one checklist template per kind of place or level of unit, how many
// targets to draw (all when empty). A covert campaign is visited by the planner (the server lets only
// safety-office accounts visit, and shows the draw to nobody else until it closes).
import { DatePicker, Form, Input, InputNumber, Radio, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import {
  CAMPAIGN_KINDS,
  type CampaignDetail,
  type CampaignKind,
  inspectionsApi,
} from '../../api/inspections';
import { useUser } from '../../auth/AuthProvider';
import { FormModal } from '../../components/FormModal';
import { type MessageKey, useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useSubmit } from '../../lib/useSubmit';
import { UnitPicker } from '../events/area';
import { dayjs } from '../events/dayjs';
import { localDate } from '../events/model';
import { bi } from '../hazards/bits';
import { loadKinds } from '../places/bits';
import { subjectName } from './bits';
import {
  type CampaignValues,
  campaignBody,
  campaignProblems,
  clashingSubjects,
  usableTemplates,
} from './model';

export function CampaignForm({
  onCancel,
  onDone,
}: {
  onCancel: () => void;
  onDone: (c: CampaignDetail) => void;
}) {
  const { t, tc, lang } = useI18n();
  const user = useUser();
  const today = localDate(new Date());
  const [v, setV] = useState<CampaignValues>({
    kind: 'covert',
    startsOn: today,
    endsOn: localDate(new Date(Date.now() + 14 * 86_400_000)),
    templates: [],
    inspectorIds: [user.id],
  });
  const form = useSubmit();
  const { run } = form;
  const templates = useAsync((signal) => inspectionsApi.templates({ pageSize: 100 }, signal), []);
  const kinds = useAsync(() => loadKinds(), []);
  const usable = useMemo(
    () => usableTemplates(v.kind, templates.data?.items ?? []),
    [v.kind, templates.data],
  );
  const problems = campaignProblems(v);
  const clashes = clashingSubjects(v.templates ?? [], usable);
  const set = (patch: Partial<CampaignValues>) => setV((x) => ({ ...x, ...patch }));

  const submit = () =>
    run(problems.length === 0 && clashes.length === 0, async () => {
      onDone(await inspectionsApi.createCampaign(campaignBody(v)));
    });

  return (
    <FormModal
      title={t('insp.new')}
      okText={t('insp.form.create')}
      onOk={() => void submit()}
      onCancel={onCancel}
      submit={form}
      problems={[
        ...problems.map((p) => t(`insp.form.problem.${p}` as MessageKey)),
        ...(clashes.length ? [t('insp.form.problem.clash')] : []),
      ]}
      testId="campaign-form"
      width={640}
    >
      <Form.Item label={t('insp.form.kind')} required>
        <Radio.Group
          value={v.kind}
          optionType="button"
          buttonStyle="solid"
          onChange={(e) =>
            set({
              kind: e.target.value as CampaignKind,
              templates: [],
              inspectorIds: e.target.value === 'covert' ? [user.id] : [],
            })
          }
          options={CAMPAIGN_KINDS.map((k) => ({ value: k, label: tc('insp.kindLong', k) }))}
          data-testid="campaign-kind"
        />
      </Form.Item>
      <Form.Item label={t('insp.form.name')} required>
        <Input
          value={v.name}
          maxLength={200}
          onChange={(e) => set({ name: e.target.value })}
          placeholder={t('insp.form.namePlaceholder')}
          data-testid="campaign-name"
        />
      </Form.Item>
      <Form.Item label={t('insp.form.unit')} required extra={t('insp.form.unitHint')}>
        <UnitPicker
          user={user}
          value={v.unitId}
          onChange={(unitId) => set({ unitId })}
          placeholder={t('insp.form.unit')}
          testId="campaign-unit"
        />
      </Form.Item>
      <Form.Item label={t('insp.form.period')} required>
        <DateRange
          value={[v.startsOn, v.endsOn]}
          onChange={([startsOn, endsOn]) => set({ startsOn, endsOn })}
        />
      </Form.Item>
      <Form.Item label={t('insp.form.templates')} required extra={t('insp.form.templatesHint')}>
        <Select
          mode="multiple"
          value={v.templates}
          onChange={(templates: string[]) => set({ templates })}
          loading={templates.loading}
          optionFilterProp="label"
          options={usable.map((x) => ({
            value: x.code,
            label: `${bi(lang, x.name)}（${subjectName(x, kinds.data, lang, tc)}）`,
          }))}
          data-testid="campaign-templates"
        />
      </Form.Item>
      <Form.Item label={t('insp.form.sample')} extra={t('insp.form.sampleHint')}>
        <InputNumber
          min={1}
          max={10000}
          precision={0}
          value={v.sampleSize ?? null}
          onChange={(n) => set({ sampleSize: n })}
          data-testid="campaign-sample"
        />
      </Form.Item>
      {v.kind === 'covert' && (
        <Form.Item label={t('insp.form.inspectors')}>
          <Typography.Text>{t('insp.form.inspectorsSelf', { name: user.displayName })}</Typography.Text>
        </Form.Item>
      )}
    </FormModal>
  );
}

function DateRange({
  value,
  onChange,
}: {
  value: [string | undefined, string | undefined];
  onChange: (v: [string | undefined, string | undefined]) => void;
}) {
  return (
    <DatePicker.RangePicker
      value={[value[0] ? dayjs(value[0]) : null, value[1] ? dayjs(value[1]) : null]}
      onChange={(d) => onChange([d?.[0]?.format('YYYY-MM-DD'), d?.[1]?.format('YYYY-MM-DD')])}
    />
  );
}

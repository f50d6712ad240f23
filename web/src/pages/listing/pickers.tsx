// The pickers the listing forms share: a registered place by name, a hazard by tracking number or words,
// and a party (a unit of the user's area, a department, or a place) that rectifies or is admonished.
import { Segmented, Select, Space } from 'antd';
import { useState } from 'react';
import { hazardsApi, placesApi } from '../../api/hazards';
import type { PartyKind } from '../../api/listing';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { UnitPicker } from '../events/area';
import { loadDepartments } from '../events/lookups';

export function PlaceSelect({
  value,
  onChange,
  testId,
  initialLabel,
}: {
  value: number | undefined;
  onChange: (id: number | undefined, label?: string) => void;
  testId?: string;
  initialLabel?: string;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const found = useAsync((signal) => placesApi.list({ q: q.trim() || undefined, pageSize: 20 }, signal), [q]);
  const options = (found.data?.items ?? []).map((p) => ({
    value: p.id,
    label: `${p.name}${p.address ? ` · ${p.address}` : ''}`,
  }));
  if (value && initialLabel && !options.some((o) => o.value === value))
    options.unshift({ value, label: initialLabel });
  return (
    <Select
      showSearch
      allowClear
      filterOption={false}
      value={value}
      onSearch={setQ}
      onChange={(v: number | undefined) => onChange(v, options.find((o) => o.value === v)?.label)}
      placeholder={t('listing.form.placeSearch')}
      loading={found.loading}
      options={options}
      notFoundContent={null}
      data-testid={testId}
    />
  );
}

export function HazardSelect({
  value,
  onChange,
  testId,
}: {
  value: number | undefined;
  onChange: (id: number | undefined) => void;
  testId?: string;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const found = useAsync(
    (signal) =>
      hazardsApi.list({ view: 'all', q: q.trim() || undefined, listed: 'false', pageSize: 20 }, signal),
    [q],
  );
  return (
    <Select
      showSearch
      allowClear
      filterOption={false}
      value={value}
      onSearch={setQ}
      onChange={(v: number | undefined) => onChange(v)}
      placeholder={t('listing.form.hazardSearch')}
      loading={found.loading}
      options={(found.data?.items ?? []).map((h) => ({
        value: h.id,
        label: `${h.trackingNo} · ${h.place?.name ?? h.description.slice(0, 24)}`,
      }))}
      notFoundContent={null}
      data-testid={testId}
    />
  );
}

export function PartyPicker({
  kind,
  id,
  onChange,
  testId,
  placeLabel,
}: {
  kind: PartyKind;
  id: number | undefined;
  onChange: (kind: PartyKind, id: number | undefined) => void;
  testId: string;
  placeLabel?: string;
}) {
  const { tc, t } = useI18n();
  const user = useUser();
  const departments = useAsync(() => loadDepartments(), []);
  return (
    <Space direction="vertical" className="insp-full">
      <Segmented
        value={kind}
        onChange={(k) => onChange(k as PartyKind, undefined)}
        options={(['place', 'unit', 'department'] as const).map((k) => ({
          value: k,
          label: tc('hazards.party', k),
        }))}
        data-testid={`${testId}-kind`}
      />
      {kind === 'place' ? (
        <PlaceSelect
          value={id}
          onChange={(v) => onChange('place', v)}
          testId={testId}
          initialLabel={placeLabel}
        />
      ) : kind === 'unit' ? (
        <UnitPicker
          user={user}
          value={id}
          onChange={(v) => onChange('unit', v)}
          placeholder={t('listing.form.unit')}
          testId={testId}
        />
      ) : (
        <Select
          showSearch
          optionFilterProp="label"
          value={id}
          onChange={(v: number) => onChange('department', v)}
          loading={departments.loading}
          options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
          data-testid={testId}
        />
      )}
    </Space>
  );
}

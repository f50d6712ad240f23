// 挂牌整治: listing a place (an enterprise) or a hazard for rectification, with the reason, the party that
// must rectify it (the place itself by default), the deadline and what must be true to take it off.
import { DatePicker, Form, Input, Radio } from 'antd';
import { useState } from 'react';
import { type ListingDetail, listingApi, type SubjectKind } from '../../api/listing';
import { FormModal } from '../../components/FormModal';
import { type MessageKey, useI18n } from '../../i18n';
import { useSubmit } from '../../lib/useSubmit';
import { dayjs } from '../events/dayjs';
import { defaultResponsible, type ListingValues, listingBody, listingProblems } from './model';
import { HazardSelect, PartyPicker, PlaceSelect } from './pickers';

export function ListingForm({
  onCancel,
  onDone,
}: {
  onCancel: () => void;
  onDone: (l: ListingDetail) => void;
}) {
  const { t, tc } = useI18n();
  const [v, setV] = useState<ListingValues>({ subjectKind: 'place', responsibleKind: 'place' });
  const [placeLabel, setPlaceLabel] = useState<string | undefined>();
  const form = useSubmit();
  const { run } = form;
  const problems = listingProblems(v);
  const set = (p: Partial<ListingValues>) => setV((x) => ({ ...x, ...p }));

  const setSubject = (kind: SubjectKind, id: number | undefined) => {
    const d = defaultResponsible(kind, id);
    set({
      subjectKind: kind,
      subjectId: id,
      // propose the place itself until another party is chosen
      ...(d && (!v.responsibleId || v.responsibleKind === 'place')
        ? { responsibleKind: d.kind, responsibleId: d.id }
        : {}),
    });
  };

  const submit = () =>
    run(problems.length === 0, async () => {
      onDone(await listingApi.create(listingBody(v)));
    });

  return (
    <FormModal
      title={t('listing.new')}
      okText={t('listing.form.submit')}
      onOk={() => void submit()}
      onCancel={onCancel}
      submit={form}
      problems={problems.map((p) => t(`listing.form.problem.${p}` as MessageKey))}
      testId="listing-form"
    >
      <Form.Item label={t('listing.form.subject')} required>
        <Radio.Group
          value={v.subjectKind}
          optionType="button"
          onChange={(e) => setSubject(e.target.value as SubjectKind, undefined)}
          options={(['place', 'hazard'] as const).map((k) => ({
            value: k,
            label: tc('listing.subject', k),
          }))}
        />
        <div className="insp-gap-top">
          {v.subjectKind === 'place' ? (
            <PlaceSelect
              value={v.subjectId}
              onChange={(id, label) => {
                setPlaceLabel(label);
                setSubject('place', id);
              }}
              testId="listing-subject"
            />
          ) : (
            <HazardSelect
              value={v.subjectId}
              onChange={(id) => setSubject('hazard', id)}
              testId="listing-subject"
            />
          )}
        </div>
      </Form.Item>
      <Form.Item label={t('listing.form.reason')} required>
        <Input.TextArea
          rows={2}
          maxLength={1000}
          value={v.reason}
          onChange={(e) => set({ reason: e.target.value })}
          data-testid="listing-reason"
        />
      </Form.Item>
      <Form.Item label={t('listing.form.responsible')} required>
        <PartyPicker
          kind={v.responsibleKind}
          id={v.responsibleId}
          onChange={(responsibleKind, responsibleId) => set({ responsibleKind, responsibleId })}
          testId="listing-responsible"
          placeLabel={placeLabel}
        />
      </Form.Item>
      <Form.Item label={t('listing.form.deadline')} required>
        <DatePicker
          value={v.deadline ? dayjs(v.deadline) : null}
          onChange={(d) => set({ deadline: d ? d.format('YYYY-MM-DD') : undefined })}
          disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
          data-testid="listing-deadline"
        />
      </Form.Item>
      <Form.Item label={t('listing.form.criteria')} required extra={t('listing.form.criteriaHint')}>
        <Input.TextArea
          rows={2}
          maxLength={1000}
          value={v.criteria}
          onChange={(e) => set({ criteria: e.target.value })}
          data-testid="listing-criteria"
        />
      </Form.Item>
    </FormModal>
  );
}

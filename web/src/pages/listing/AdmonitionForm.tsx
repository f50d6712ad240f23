// 约谈: recording an admonition talk: with whom (a place or enterprise, a unit, a department), when and by
// whom it was held, what about (a listing, hazards), what the party committed to and when to follow up.
import { DatePicker, Form, Input } from 'antd';
import { useState } from 'react';
import type { PartyRef } from '../../api/hazards';
import { type Admonition, listingApi } from '../../api/listing';
import { FormModal } from '../../components/FormModal';
import { type MessageKey, useI18n } from '../../i18n';
import { useSubmit } from '../../lib/useSubmit';
import { dayjs } from '../events/dayjs';
import { type AdmonitionValues, admonitionBody, admonitionProblems } from './model';
import { PartyPicker } from './pickers';

export function AdmonitionForm({
  listing,
  onCancel,
  onDone,
}: {
  /** Recorded from a listing: its party, subject and id are proposed. */
  listing?: { id: number; responsible: PartyRef; title: string; hazardId?: number };
  onCancel: () => void;
  onDone: (a: Admonition) => void;
}) {
  const { t } = useI18n();
  const [v, setV] = useState<AdmonitionValues>(() => ({
    partyKind: listing?.responsible.kind ?? 'place',
    partyId: listing?.responsible.id,
    heldAt: dayjs().startOf('hour').format(),
    subject: listing ? t('listing.adm.aboutListing', { title: listing.title }) : '',
    listingId: listing?.id ?? null,
    hazardIds: listing?.hazardId ? [listing.hazardId] : [],
    followUpDue: dayjs().add(30, 'day').format('YYYY-MM-DD'),
  }));
  const form = useSubmit();
  const { run } = form;
  const problems = admonitionProblems(v);
  const set = (p: Partial<AdmonitionValues>) => setV((x) => ({ ...x, ...p }));

  const submit = () =>
    run(problems.length === 0, async () => {
      onDone(await listingApi.admonish(admonitionBody(v)));
    });

  return (
    <FormModal
      title={t('listing.adm.new')}
      okText={t('listing.adm.submit')}
      onOk={() => void submit()}
      onCancel={onCancel}
      submit={form}
      problems={problems.map((p) => t(`listing.adm.problem.${p}` as MessageKey))}
      testId="admonition-form"
    >
      <Form.Item label={t('listing.adm.party')} required>
        <PartyPicker
          kind={v.partyKind}
          id={v.partyId}
          onChange={(partyKind, partyId) => set({ partyKind, partyId })}
          testId="admonition-party"
          placeLabel={listing?.responsible.kind === 'place' ? listing.responsible.name : undefined}
        />
      </Form.Item>
      <div className="insp-row">
        <Form.Item label={t('listing.adm.heldAt')} required>
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            value={v.heldAt ? dayjs(v.heldAt) : null}
            onChange={(d) => set({ heldAt: d ? d.format() : undefined })}
            data-testid="admonition-held-at"
          />
        </Form.Item>
        <Form.Item label={t('listing.adm.heldBy')} required className="insp-grow">
          <Input
            maxLength={200}
            value={v.heldBy}
            onChange={(e) => set({ heldBy: e.target.value })}
            placeholder={t('listing.adm.heldByPlaceholder')}
            data-testid="admonition-held-by"
          />
        </Form.Item>
      </div>
      <Form.Item label={t('listing.adm.subject')} required>
        <Input.TextArea
          rows={2}
          maxLength={1000}
          value={v.subject}
          onChange={(e) => set({ subject: e.target.value })}
          data-testid="admonition-subject"
        />
      </Form.Item>
      <Form.Item label={t('listing.adm.commitments')} required>
        <Input.TextArea
          rows={3}
          maxLength={2000}
          value={v.commitments}
          onChange={(e) => set({ commitments: e.target.value })}
          data-testid="admonition-commitments"
        />
      </Form.Item>
      <Form.Item label={t('listing.adm.followUpDue')} required>
        <DatePicker
          value={v.followUpDue ? dayjs(v.followUpDue) : null}
          onChange={(d) => set({ followUpDue: d ? d.format('YYYY-MM-DD') : undefined })}
          data-testid="admonition-due"
        />
      </Form.Item>
    </FormModal>
  );
}

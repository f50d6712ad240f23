// Register or edit a place: name, kind, credit code (checked by the server: GB 32100 check character),
// address, location (typed, or picked on the map), contact. An edit sends only what changed, with the
// version read; refusals (a taken credit code, a point outside the district, a stale version) show here.
import { AimOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, InputNumber, Modal, Select, Space, Spin } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { type PlaceDetail, type PlaceInput, placesApi } from '../../api/hazards';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { bi } from '../hazards/bits';
import type { LngLat } from '../report/taps';
import { loadKinds } from './bits';

const PinMap = lazy(() => import('../report/PinMap'));

interface Values {
  name: string;
  kind: string;
  creditCode?: string;
  address?: string;
  lng: number;
  lat: number;
  contactName?: string;
  contactPhone?: string;
}

const orNull = (s: string | undefined) => (s?.trim() ? s.trim() : null);

/** The fields of an edit that differ from the place read. */
export function placeChanges(p: PlaceDetail, v: Values): Partial<PlaceInput> {
  const out: Partial<PlaceInput> = {};
  if (v.name.trim() !== p.name) out.name = v.name.trim();
  if (v.kind !== p.kind) out.kind = v.kind;
  if (orNull(v.creditCode) !== p.creditCode) out.creditCode = orNull(v.creditCode);
  if (orNull(v.address) !== p.address) out.address = orNull(v.address);
  if (v.lng !== p.location.lng || v.lat !== p.location.lat) out.location = { lng: v.lng, lat: v.lat };
  if (orNull(v.contactName) !== p.contact.name) out.contactName = orNull(v.contactName);
  // a masked phone is shown as read: change it only when the editor typed a new one
  if (!p.contact.masked && orNull(v.contactPhone) !== p.contact.phone)
    out.contactPhone = orNull(v.contactPhone);
  return out;
}

export function PlaceForm({
  place,
  onCancel,
  onSaved,
}: {
  place?: PlaceDetail;
  onCancel: () => void;
  onSaved: (p: PlaceDetail) => void;
}) {
  const { t, lang, errorText } = useI18n();
  const [form] = Form.useForm<Values>();
  const kinds = useAsync(() => loadKinds(), []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const [draft, setDraft] = useState<LngLat | null>(null);

  const submit = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const saved = place
        ? await placesApi.update(place.id, { ...placeChanges(place, v), version: place.version })
        : await placesApi.create({
            name: v.name.trim(),
            kind: v.kind,
            creditCode: orNull(v.creditCode),
            address: orNull(v.address),
            location: { lng: v.lng, lat: v.lat },
            contactName: orNull(v.contactName),
            contactPhone: orNull(v.contactPhone),
          });
      onSaved(saved);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const required = [{ required: true, message: t('places.form.required') }];
  return (
    <Modal
      open
      title={place ? `${t('places.detail.edit')} · ${place.name}` : t('places.register')}
      onCancel={onCancel}
      onOk={() => void submit()}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'place-form-submit' } as never}
      destroyOnHidden
      width={560}
      data-testid="place-form"
    >
      {error && (
        <Alert
          type="error"
          showIcon
          message={error}
          style={{ marginBottom: 12 }}
          data-testid="place-form-error"
        />
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={
          place
            ? {
                name: place.name,
                kind: place.kind,
                creditCode: place.creditCode ?? '',
                address: place.address ?? '',
                lng: place.location.lng,
                lat: place.location.lat,
                contactName: place.contact.name ?? '',
                contactPhone: place.contact.phone ?? '',
              }
            : {}
        }
      >
        <Form.Item name="name" label={t('places.form.name')} rules={required}>
          <Input maxLength={200} data-testid="place-name" />
        </Form.Item>
        <Form.Item name="kind" label={t('places.form.kind')} rules={required}>
          <Select
            showSearch
            optionFilterProp="label"
            options={(kinds.data ?? []).map((k) => ({ value: k.code, label: bi(lang, k.name) }))}
            data-testid="place-kind"
          />
        </Form.Item>
        <Form.Item name="creditCode" label={t('places.form.creditCode')}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="address" label={t('places.form.address')}>
          <Input maxLength={300} />
        </Form.Item>
        <Space align="end" wrap>
          <Form.Item name="lng" label={t('places.form.lng')} rules={required}>
            <InputNumber min={-180} max={180} step={0.0001} style={{ width: 150 }} data-testid="place-lng" />
          </Form.Item>
          <Form.Item name="lat" label={t('places.form.lat')} rules={required}>
            <InputNumber min={-90} max={90} step={0.0001} style={{ width: 150 }} data-testid="place-lat" />
          </Form.Item>
          <Form.Item>
            <Button
              icon={<AimOutlined />}
              onClick={() => {
                const lng = form.getFieldValue('lng') as number | undefined;
                const lat = form.getFieldValue('lat') as number | undefined;
                setDraft(lng !== undefined && lat !== undefined ? { lng, lat } : null);
                setPicking(true);
              }}
            >
              {t('places.form.pick')}
            </Button>
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="contactName" label={t('places.form.contactName')}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="contactPhone" label={t('places.form.contactPhone')}>
            <Input maxLength={30} disabled={place?.contact.masked} />
          </Form.Item>
        </Space>
      </Form>
      {picking && (
        <Modal
          open
          width={720}
          title={t('places.form.pick')}
          onCancel={() => setPicking(false)}
          okButtonProps={{ disabled: !draft }}
          onOk={() => {
            if (draft)
              form.setFieldsValue({ lng: Number(draft.lng.toFixed(6)), lat: Number(draft.lat.toFixed(6)) });
            setPicking(false);
          }}
          destroyOnHidden
        >
          <div style={{ height: 420 }}>
            <Suspense fallback={<Spin />}>
              <PinMap start={draft} value={draft} onChange={setDraft} withBoundaries />
            </Suspense>
          </div>
        </Modal>
      )}
    </Modal>
  );
}

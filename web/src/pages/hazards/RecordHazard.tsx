// 上报隐患 (/hazards/new): the phone-first form of a grid worker, a department inspector or the safety
// office in the field. Few taps: the photo button (uploads at once; a photo's EXIF may place it), the
// location from the device (a map pin or a registered place when it has none), a domain chip, an
// aspect chip, the severity (一般 preset), a line of description, 上报. The place, the address and the
// rule broken are optional. The answer shows the tracking number and the triage the server suggests.
import { CheckCircleFilled, CheckOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Input, Radio, Result, Select } from 'antd';
import { useMemo, useState } from 'react';
import { type HazardDetail, hazardsApi, placesApi, SEVERITIES, type Severity } from '../../api/hazards';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { navigate } from '../../router/router';
import { LocationField } from '../report/LocationField';
import { PhotoPicker } from '../report/PhotoPicker';
import { type LngLat, resolveLocation } from '../report/taps';
import { useGeolocation } from '../report/useGeolocation';
import { bi, loadDomains } from './bits';
import { hazardErrorText } from './HazardActionForm';
import { usePhotos } from './usePhotos';
import '../report/report.css';
import './hazards.css';

export default function RecordHazard() {
  const { t, tc, lang, errorText } = useI18n();
  const user = useUser();
  const geo = useGeolocation();
  const domains = useAsync(() => loadDomains(), []);
  const { photos, add: addFiles, remove: removePhoto, clear: clearPhotos, uploading, mediaIds } = usePhotos();
  const [pin, setPin] = useState<LngLat | null>(null);
  const [address, setAddress] = useState('');
  const [placeId, setPlaceId] = useState<number | undefined>();
  const [placeQuery, setPlaceQuery] = useState('');
  const [domainCode, setDomainCode] = useState<string | undefined>();
  const [aspectCode, setAspectCode] = useState<string | undefined>();
  const [severity, setSeverity] = useState<Severity>('general');
  const [ruleBroken, setRuleBroken] = useState('');
  const [description, setDescription] = useState('');
  const [covert, setCovert] = useState(false);
  const [missing, setMissing] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<HazardDetail | null>(null);
  const mayCovert = user.roles.includes('safety_office') || user.roles.includes('admin');

  const places = useAsync(
    (signal) => placesApi.list({ q: placeQuery.trim() || undefined, pageSize: 20 }, signal),
    [placeQuery],
  );
  const place = places.data?.items.find((p) => p.id === placeId);
  const location = resolveLocation({
    pin,
    gps: geo.position,
    photos: photos.map((p) => p.media?.location),
  });
  const domain = domains.data?.find((d) => d.code === domainCode);
  const aspects = useMemo(() => domain?.aspects.filter((a) => a.active) ?? [], [domain]);

  const reset = () => {
    clearPhotos();
    setPin(null);
    setAddress('');
    setPlaceId(undefined);
    setDomainCode(undefined);
    setAspectCode(undefined);
    setSeverity('general');
    setRuleBroken('');
    setDescription('');
    setCovert(false);
    setMissing([]);
    setError(null);
    setDone(null);
  };

  const submit = async () => {
    const lack: string[] = [];
    if (!domainCode) lack.push(t('hazards.new.domain'));
    if (!aspectCode) lack.push(t('hazards.new.aspect'));
    if (!description.trim()) lack.push(t('hazards.new.description'));
    if (!location && !placeId) lack.push(t('hazards.new.where'));
    setMissing(lack);
    if (lack.length > 0 || !domainCode || !aspectCode) return;
    setBusy(true);
    setError(null);
    try {
      const created = await hazardsApi.record({
        domainCode,
        aspectCode,
        severity,
        description: description.trim(),
        ...(ruleBroken.trim() ? { ruleBroken: ruleBroken.trim() } : {}),
        ...(placeId ? { placeId } : {}),
        // a place chosen without a device position or a pin: the place's own location
        ...(location && (location.source !== 'photo' || !placeId)
          ? { location: { lng: location.lng, lat: location.lat, crs: 'wgs84' as const } }
          : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
        source: covert ? 'covert' : 'report',
        mediaIds,
      });
      setDone(created);
    } catch (e) {
      setError(hazardErrorText(e, errorText));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <div className="hazard-new" data-testid="hazard-recorded" data-tracking-no={done.trackingNo}>
        <Result
          icon={<CheckCircleFilled style={{ color: '#52c41a' }} />}
          title={t('hazards.new.done', { no: done.trackingNo })}
          subTitle={t('hazards.new.doneHint', {
            town: done.suggestion.town?.name ?? '—',
            department: done.suggestion.department?.name ?? '—',
          })}
          extra={[
            <Button key="open" type="primary" onClick={() => navigate(`/hazards/${done.id}`)}>
              {t('hazards.new.open')}
            </Button>,
            <Button key="again" onClick={reset} data-testid="hazard-record-another">
              {t('hazards.new.another')}
            </Button>,
          ]}
        />
      </div>
    );
  }

  return (
    <div className="hazard-new report-form" data-testid="hazard-new">
      <h2 className="report-label">{t('hazards.new.title')}</h2>
      <PhotoPicker photos={photos} onAdd={addFiles} onRemove={removePhoto} />
      <LocationField
        geo={geo}
        resolved={location}
        pin={pin}
        onPin={setPin}
        address={address}
        onAddress={setAddress}
        photosPending={uploading}
        withBoundaries
      />
      <section className="report-field">
        <div className="report-label">{t('hazards.new.place')}</div>
        <Select
          showSearch
          allowClear
          filterOption={false}
          value={placeId}
          onSearch={setPlaceQuery}
          onChange={(v: number | undefined) => setPlaceId(v)}
          placeholder={t('hazards.new.placeSearch')}
          loading={places.loading}
          options={(places.data?.items ?? []).map((p) => ({
            value: p.id,
            label: `${p.name}${p.address ? ` · ${p.address}` : ''}`,
          }))}
          notFoundContent={null}
          data-testid="hazard-place"
        />
        {place && !location && <div className="report-note">{t('hazards.new.fromPlace')}</div>}
      </section>
      <section className="report-field" data-testid="hazard-domains">
        <div className="report-label">{t('hazards.new.domain')}</div>
        <div className="report-chips">
          {(domains.data ?? []).map((d) => (
            <button
              key={d.code}
              type="button"
              aria-pressed={d.code === domainCode}
              className={`report-chip${d.code === domainCode ? ' selected' : ''}`}
              data-code={d.code}
              onClick={() => {
                setDomainCode(d.code);
                setAspectCode(undefined);
              }}
            >
              {d.code === domainCode && <CheckOutlined />}
              <span>{bi(lang, d.name)}</span>
            </button>
          ))}
        </div>
      </section>
      {domain && (
        <section className="report-field" data-testid="hazard-aspects">
          <div className="report-label">{t('hazards.new.aspect')}</div>
          <div className="report-chips">
            {aspects.map((a) => (
              <button
                key={a.code}
                type="button"
                aria-pressed={a.code === aspectCode}
                className={`report-chip${a.code === aspectCode ? ' selected' : ''}`}
                data-code={a.code}
                onClick={() => setAspectCode(a.code)}
              >
                {a.code === aspectCode && <CheckOutlined />}
                <span>{bi(lang, a.name)}</span>
              </button>
            ))}
          </div>
        </section>
      )}
      <section className="report-field">
        <div className="report-label">{t('hazards.new.severity')}</div>
        <Radio.Group
          className="hazard-new-severity"
          optionType="button"
          buttonStyle="solid"
          size="large"
          value={severity}
          onChange={(e) => setSeverity(e.target.value as Severity)}
          options={SEVERITIES.map((s) => ({ value: s, label: tc('hazards.severity', s) }))}
          data-testid="hazard-severity"
        />
      </section>
      <section className="report-field">
        <label className="report-label" htmlFor="hazard-description">
          {t('hazards.new.description')}
        </label>
        <Input.TextArea
          id="hazard-description"
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder={t('hazards.new.descriptionPlaceholder')}
          data-testid="hazard-description-input"
        />
      </section>
      <section className="report-field">
        <label className="report-label" htmlFor="hazard-rule">
          {t('hazards.new.rule')}
        </label>
        <Input
          id="hazard-rule"
          maxLength={500}
          value={ruleBroken}
          onChange={(e) => setRuleBroken(e.target.value)}
          placeholder={t('hazards.new.rulePlaceholder')}
        />
      </section>
      {mayCovert && (
        <Checkbox checked={covert} onChange={(e) => setCovert(e.target.checked)} data-testid="hazard-covert">
          {t('hazards.new.covert')}
        </Checkbox>
      )}
      {missing.length > 0 && (
        <Alert type="warning" showIcon message={t('hazards.new.required', { what: missing.join('、') })} />
      )}
      {error && <Alert type="error" showIcon message={error} data-testid="hazard-new-error" />}
      <div className="hazard-new-submit">
        <Button
          type="primary"
          size="large"
          block
          loading={busy}
          disabled={uploading}
          onClick={() => void submit()}
          data-testid="hazard-new-submit"
        >
          {t('hazards.new.submit')}
        </Button>
      </div>
    </div>
  );
}

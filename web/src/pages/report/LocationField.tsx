// Where: automatic (the device, else a photo's EXIF), a map pin when neither knows, and an optional note
// on the place ("3 幢楼道").
import { AimOutlined, EnvironmentFilled, LoadingOutlined, WarningFilled } from '@ant-design/icons';
import { Button, Drawer, Input, Spin } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useI18n } from '../../i18n';
import type { LngLat, LocationSource } from './taps';
import type { Geo } from './useGeolocation';

const PinMap = lazy(() => import('./PinMap'));

export function LocationField({
  geo,
  resolved,
  pin,
  onPin,
  address,
  onAddress,
  photosPending,
  withBoundaries,
  error,
}: {
  geo: Geo;
  resolved: (LngLat & { source: LocationSource }) | null;
  pin: LngLat | null;
  onPin: (p: LngLat | null) => void;
  address: string;
  onAddress: (s: string) => void;
  /** Photos not uploaded yet may still carry the place in their EXIF. */
  photosPending: boolean;
  withBoundaries: boolean;
  error?: string;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<LngLat | null>(null);

  let text: string;
  let icon = <EnvironmentFilled />;
  let state: string = resolved?.source ?? geo.status;
  if (resolved?.source === 'gps')
    text = geo.accuracy ? t('report.location.gpsAccuracy', { m: geo.accuracy }) : t('report.location.gps');
  else if (resolved?.source === 'photo') text = t('report.location.photo');
  else if (resolved?.source === 'pin') text = t('report.location.pin');
  else if (geo.status === 'locating') {
    text = t('report.location.locating');
    icon = <LoadingOutlined />;
  } else {
    text = geo.status === 'denied' ? t('report.location.denied') : t('report.location.unavailable');
    if (photosPending) text += ` ${t('report.location.fromPhotoLater')}`;
    icon = <WarningFilled />;
    state = 'missing';
  }

  return (
    <section className="report-field" data-testid="report-location" data-source={resolved?.source ?? 'none'}>
      <div className="report-label">{t('report.location')}</div>
      <div className={`report-location report-location-${state}`}>
        <span className="report-location-icon">{icon}</span>
        <span className="report-location-text" data-testid="location-text">
          {text}
          {resolved && (
            <small className="report-coords">
              {resolved.lng.toFixed(5)}, {resolved.lat.toFixed(5)}
            </small>
          )}
        </span>
        <Button
          size="small"
          icon={<AimOutlined />}
          data-testid="location-pin"
          onClick={() => {
            setDraft(pin ?? resolved);
            setOpen(true);
          }}
        >
          {resolved ? t('report.location.adjust') : t('report.location.pick')}
        </Button>
      </div>
      {!resolved && geo.status !== 'locating' && (
        <Button type="link" size="small" onClick={geo.retry} className="report-more">
          {t('report.location.retry')}
        </Button>
      )}
      {error && <div className="report-error-text">{error}</div>}
      <Input
        className="report-address"
        value={address}
        maxLength={200}
        placeholder={t('report.address.placeholder')}
        aria-label={t('report.address')}
        onChange={(e) => onAddress(e.target.value)}
      />
      <Drawer
        placement="bottom"
        height="90%"
        open={open}
        onClose={() => setOpen(false)}
        title={t('report.location.pickTitle')}
        className="report-drawer report-pin-drawer"
        destroyOnHidden
        extra={
          <Button
            type="primary"
            disabled={!draft}
            data-testid="pin-confirm"
            onClick={() => {
              onPin(draft);
              setOpen(false);
            }}
          >
            {t('report.location.confirm')}
          </Button>
        }
      >
        <Suspense fallback={<Spin className="page-spin" />}>
          <PinMap start={resolved} value={draft} onChange={setDraft} withBoundaries={withBoundaries} />
        </Suspense>
      </Drawer>
    </section>
  );
}

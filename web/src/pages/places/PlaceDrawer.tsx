// One place in a drawer: its registration, its black/white list status with every change (who, when,
// why), its hazards; editing and listing with a reason for those the server allows (`can`).
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Input,
  List,
  Modal,
  Result,
  Skeleton,
  Space,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { isApiError } from '../../api/client';
import { hazardsApi, type ListStatus, type PlaceDetail, placesApi } from '../../api/hazards';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { navigate } from '../../router/router';
import { formatDateTime, placeLine } from '../events/model';
import { bi, HazardStateTag, SeverityTag } from '../hazards/bits';
import { ListTag } from './bits';
import { PlaceForm } from './PlaceForm';

const gone = (e: unknown) => isApiError(e, 404) || isApiError(e, 403);

export function PlaceDrawer({
  placeId,
  onClose,
  onChanged,
}: {
  placeId: number | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, tc, lang, errorText } = useI18n();
  const { message } = App.useApp();
  const loaded = useAsync(placeId === null ? null : (signal) => placesApi.get(placeId, signal), [placeId], {
    expected: gone,
  });
  const hazards = useAsync(
    placeId === null
      ? null
      : (signal) => hazardsApi.list({ view: 'all', place: placeId, pageSize: 50 }, signal),
    [placeId],
  );
  const [place, setPlace] = useState<PlaceDetail | null>(null);
  const [editing, setEditing] = useState(false);
  const [listing, setListing] = useState<ListStatus | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // keep the place on screen while the drawer slides shut; a new one starts clean
  useEffect(() => {
    if (placeId !== null) setPlace(null);
  }, [placeId]);
  useEffect(() => {
    if (loaded.data) setPlace(loaded.data);
  }, [loaded.data]);

  const changeList = async () => {
    if (!place || !listing) return;
    if (reason.trim().length < 2) {
      setError(t('places.detail.reasonRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await placesApi.setListStatus(place.id, {
        status: listing,
        reason: reason.trim(),
        version: place.version,
      });
      setPlace(next);
      setListing(null);
      setReason('');
      void message.success(t('places.detail.listDone'));
      onChanged();
    } catch (e) {
      setError(errorText(e));
      if (isApiError(e, 409)) loaded.reload();
    } finally {
      setBusy(false);
    }
  };

  const statuses: ListStatus[] = place
    ? (['black', 'white', 'none'] as const).filter((s) => s !== place.listStatus)
    : [];

  return (
    <Drawer
      open={placeId !== null}
      onClose={onClose}
      width={620}
      destroyOnHidden
      title={place?.name ?? t('common.loading')}
      extra={place && <ListTag status={place.listStatus} />}
      data-testid="place-drawer"
      className="event-drawer"
      footer={
        place && (place.can.edit || place.can.changeListStatus) ? (
          <Space wrap>
            {place.can.edit && (
              <Button onClick={() => setEditing(true)} data-testid="place-edit">
                {t('places.detail.edit')}
              </Button>
            )}
            {place.can.changeListStatus &&
              statuses.map((s) => (
                <Button
                  key={s}
                  danger={s === 'black'}
                  onClick={() => {
                    setError(null);
                    setListing(s);
                  }}
                  data-testid={`place-list-${s}`}
                >
                  {s === 'black'
                    ? t('places.detail.setBlack')
                    : s === 'white'
                      ? t('places.detail.setWhite')
                      : t('places.detail.setNone')}
                </Button>
              ))}
          </Space>
        ) : null
      }
    >
      {gone(loaded.error) ? (
        <Result status="404" subTitle={t('events.detail.notFound')} />
      ) : !place ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <div className="event-detail" data-testid="place-detail" data-list-status={place.listStatus}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('places.col.kind')}>{bi(lang, place.kindName)}</Descriptions.Item>
            <Descriptions.Item label={t('places.detail.creditCode')}>
              {place.creditCode ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('places.detail.address')}>{place.address ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('places.detail.unit')}>{placeLine(place.units)}</Descriptions.Item>
            <Descriptions.Item label={t('places.detail.location')}>
              {place.location.lng.toFixed(5)}, {place.location.lat.toFixed(5)}
            </Descriptions.Item>
            <Descriptions.Item label={t('places.detail.contact')}>
              {[place.contact.name, place.contact.phone].filter(Boolean).join(' ') || '—'}
              {place.contact.masked && (
                <Typography.Text type="secondary"> {t('places.detail.masked')}</Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('places.detail.list')}>
              {place.listStatus === 'none' ? (
                '—'
              ) : (
                <Space direction="vertical" size={0}>
                  <span>
                    <ListTag status={place.listStatus} />
                    {place.listedAt &&
                      t('places.detail.listSince', { since: formatDateTime(place.listedAt) })}
                  </span>
                  {place.listReason && <Typography.Text type="secondary">{place.listReason}</Typography.Text>}
                </Space>
              )}
            </Descriptions.Item>
          </Descriptions>
          <section className="event-section">
            <div className="event-section-head">
              <Typography.Title level={5}>{t('places.detail.history')}</Typography.Title>
            </div>
            {place.listHistory.length === 0 ? (
              <Typography.Text type="secondary">{t('places.detail.noHistory')}</Typography.Text>
            ) : (
              <Timeline
                data-testid="place-history"
                items={place.listHistory.map((h, i) => ({
                  key: i,
                  color: h.to === 'black' ? 'red' : h.to === 'white' ? 'green' : 'gray',
                  children: (
                    <div>
                      <strong>
                        {tc('places.listStatus', h.from)} → {tc('places.listStatus', h.to)}
                      </strong>
                      <div className="hazard-timeline-details">
                        {formatDateTime(h.at)} · {h.by}
                        {h.asRole ? `（${tc('role', h.asRole)}）` : ''}
                      </div>
                      <div className="hazard-timeline-details">“{h.reason}”</div>
                    </div>
                  ),
                }))}
              />
            )}
          </section>
          <section className="event-section">
            <div className="event-section-head">
              <Typography.Title level={5}>{t('places.detail.hazards')}</Typography.Title>
            </div>
            <List
              size="small"
              bordered
              loading={hazards.loading}
              locale={{ emptyText: t('places.detail.noHazards') }}
              dataSource={hazards.data?.items ?? []}
              data-testid="place-hazards"
              renderItem={(h) => (
                <List.Item onClick={() => navigate(`/hazards/${h.id}`)} style={{ cursor: 'pointer' }}>
                  <Space size={6} wrap>
                    <code>{h.trackingNo}</code>
                    <HazardStateTag state={h.state} />
                    <SeverityTag severity={h.severity} />
                    <span>
                      {bi(lang, h.domain.name)} · {bi(lang, h.aspect.name)}
                    </span>
                  </Space>
                </List.Item>
              )}
            />
          </section>
        </div>
      )}
      {listing && place && (
        <Modal
          open
          title={`${listing === 'black' ? t('places.detail.setBlack') : listing === 'white' ? t('places.detail.setWhite') : t('places.detail.setNone')} · ${place.name}`}
          onCancel={() => setListing(null)}
          onOk={() => void changeList()}
          confirmLoading={busy}
          okButtonProps={{ danger: listing === 'black', 'data-testid': 'place-list-submit' } as never}
          destroyOnHidden
        >
          {error && (
            <Alert
              type="error"
              showIcon
              message={error}
              style={{ marginBottom: 12 }}
              data-testid="place-list-error"
            />
          )}
          <Typography.Text>{t('places.detail.reason')}</Typography.Text>
          <Input.TextArea
            rows={3}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="place-list-reason"
          />
        </Modal>
      )}
      {editing && place && (
        <PlaceForm
          place={place}
          onCancel={() => setEditing(false)}
          onSaved={(p) => {
            setEditing(false);
            setPlace(p);
            onChanged();
          }}
        />
      )}
    </Drawer>
  );
}

// One listing in a drawer: what is listed, why, who rectifies it by when, the delisting criteria, its
// history; the safety office takes it off (摘牌) with the evidence and photos; an admonition talk about
// it is recorded from here, and the talks already held about it are listed.
import {
  Alert,
  Button,
  Descriptions,
  Drawer,
  Image,
  Input,
  List,
  Result,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { listingApi } from '../../api/listing';
import type { Role } from '../../api/types';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useDrawerRecord } from '../../lib/useDrawerRecord';
import { useSubmit } from '../../lib/useSubmit';
import { navigate } from '../../router/router';
import { formatDateTime } from '../events/model';
import { formatDeadline } from '../hazards/model';
import { usePhotos } from '../hazards/usePhotos';
import { PhotoPicker } from '../report/PhotoPicker';
import { AdmonitionForm } from './AdmonitionForm';
import { FollowUpTag, ListingStateTag } from './bits';

/** listing/policy.ts: the safety office signs a delisting off; these record admonitions. */
export const DELIST_ROLES: readonly Role[] = ['safety_office', 'admin'];
export const ADMONISH_ROLES: readonly Role[] = [
  'safety_office',
  'leader',
  'town_staff',
  'department_staff',
  'admin',
];

export function ListingDrawer({
  listingId,
  onClose,
  onChanged,
}: {
  listingId: number | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, tc } = useI18n();
  const user = useUser();
  const {
    record: l,
    setRecord: setL,
    gone: isGone,
    reload,
    tick,
  } = useDrawerRecord(listingId, listingApi.get);
  const [delisting, setDelisting] = useState(false);
  const [admonishing, setAdmonishing] = useState(false);
  const [evidence, setEvidence] = useState('');
  const photos = usePhotos();
  const { busy, error, setError, reset, run } = useSubmit();
  useEffect(() => {
    if (listingId !== null) {
      setDelisting(false);
      setEvidence('');
      reset();
    }
  }, [listingId, reset]);
  const talks = useAsync(
    l
      ? (signal) => listingApi.admonitions({ listing: l.id, pageSize: 50 }, signal).then((p) => p.items)
      : null,
    [l?.id, tick],
  );
  const mayDelist = user.roles.some((r) => DELIST_ROLES.includes(r));
  const mayAdmonish = user.roles.some((r) => ADMONISH_ROLES.includes(r));

  const delist = () => {
    if (!l) return;
    if (!evidence.trim()) {
      setError(t('listing.delist.evidenceRequired'));
      return;
    }
    return run(
      true,
      async () => {
        setL(
          await listingApi.delist(l.id, {
            version: l.version,
            evidence: evidence.trim(),
            mediaIds: photos.mediaIds,
          }),
        );
        setDelisting(false);
        photos.clear();
        onChanged();
      },
      reload,
    );
  };

  return (
    <Drawer
      open={listingId !== null}
      onClose={onClose}
      width="min(640px, 100vw)"
      className="listing-drawer"
      title={l ? l.subject.title : t('listing.title')}
      extra={
        l && l.state === 'listed' ? (
          <Space>
            {mayAdmonish && (
              <Button onClick={() => setAdmonishing(true)} data-testid="listing-admonish">
                {t('listing.adm.new')}
              </Button>
            )}
            {mayDelist && !delisting && (
              <Button type="primary" onClick={() => setDelisting(true)} data-testid="listing-delist">
                {t('listing.delist')}
              </Button>
            )}
          </Space>
        ) : null
      }
    >
      {isGone ? (
        <Result status="404" subTitle={t('listing.notFound')} />
      ) : !l ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <div className="event-detail" data-testid="listing-detail" data-state={l.state} data-id={l.id}>
          {delisting && (
            <section className="event-section insp-delist" data-testid="listing-delist-form">
              <Typography.Title level={5}>{t('listing.delist.title')}</Typography.Title>
              <Typography.Paragraph type="secondary">
                {t('listing.delist.criteria', { criteria: l.criteria })}
              </Typography.Paragraph>
              <Input.TextArea
                rows={3}
                maxLength={2000}
                value={evidence}
                onChange={(e) => setEvidence(e.target.value)}
                placeholder={t('listing.delist.evidencePlaceholder')}
                data-testid="listing-evidence"
              />
              <PhotoPicker photos={photos.photos} onAdd={photos.add} onRemove={photos.remove} />
              <Space>
                <Button onClick={() => setDelisting(false)}>{t('common.cancel')}</Button>
                <Button
                  type="primary"
                  loading={busy}
                  disabled={photos.uploading}
                  onClick={() => void delist()}
                  data-testid="listing-delist-submit"
                >
                  {t('listing.delist.submit')}
                </Button>
              </Space>
            </section>
          )}
          {error && <Alert type="error" showIcon message={error} className="insp-gap" />}
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('listing.col.subject')}>
              {tc('listing.subject', l.subject.kind)} ·{' '}
              <a
                href={l.subject.kind === 'place' ? `/places/${l.subject.id}` : `/hazards/${l.subject.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(
                    l.subject.kind === 'place' ? `/places/${l.subject.id}` : `/hazards/${l.subject.id}`,
                  );
                }}
              >
                {l.subject.title}
              </a>
            </Descriptions.Item>
            <Descriptions.Item label={t('listing.col.state')}>
              <ListingStateTag listing={l} />
            </Descriptions.Item>
            <Descriptions.Item label={t('listing.form.reason')}>{l.reason}</Descriptions.Item>
            <Descriptions.Item label={t('listing.form.responsible')}>
              {l.responsible.name}（{tc('hazards.party', l.responsible.kind)}）
            </Descriptions.Item>
            <Descriptions.Item label={t('listing.form.deadline')}>
              {formatDeadline(l.deadline)}
            </Descriptions.Item>
            <Descriptions.Item label={t('listing.form.criteria')}>{l.criteria}</Descriptions.Item>
            <Descriptions.Item label={t('listing.detail.listed')}>
              {l.listedBy} · {formatDateTime(l.listedAt)}
            </Descriptions.Item>
            {l.state === 'delisted' && (
              <>
                <Descriptions.Item label={t('listing.detail.delisted')}>
                  {l.delistedBy} · {formatDateTime(l.delistedAt)}
                </Descriptions.Item>
                <Descriptions.Item label={t('listing.detail.evidence')}>
                  <span data-testid="listing-evidence-text">{l.evidence}</span>
                </Descriptions.Item>
              </>
            )}
          </Descriptions>
          {l.media.length > 0 && (
            <div className="hazard-photos insp-gap-top">
              <Image.PreviewGroup>
                {l.media.map((m) => (
                  <Image key={m.id} src={m.thumbnailUrl ?? m.url} preview={{ src: m.url }} />
                ))}
              </Image.PreviewGroup>
            </div>
          )}
          <section className="event-section">
            <Typography.Title level={5}>{t('listing.detail.talks')}</Typography.Title>
            <List
              size="small"
              dataSource={talks.data ?? []}
              loading={talks.loading}
              locale={{ emptyText: t('listing.detail.noTalks') }}
              renderItem={(a) => (
                <List.Item
                  data-testid="listing-talk"
                  onClick={() => navigate(`/listings/admonitions/${a.id}`)}
                  className="insp-click"
                >
                  <List.Item.Meta
                    title={`${formatDateTime(a.heldAt)} · ${a.heldBy}`}
                    description={a.commitments}
                  />
                  <FollowUpTag admonition={a} />
                </List.Item>
              )}
            />
          </section>
          <section className="event-section">
            <Typography.Title level={5}>{t('listing.detail.history')}</Typography.Title>
            <Timeline
              data-testid="listing-history"
              items={l.history.map((h) => ({
                color: h.kind === 'list' ? 'red' : 'green',
                children: (
                  <div data-kind={h.kind}>
                    <Tag>{tc('listing.kind', h.kind)}</Tag>
                    {h.by} · {formatDateTime(h.at)}
                  </div>
                ),
              }))}
            />
          </section>
        </div>
      )}
      {admonishing && l && (
        <AdmonitionForm
          listing={{
            id: l.id,
            responsible: l.responsible,
            title: l.subject.title,
            ...(l.subject.kind === 'hazard' ? { hazardId: l.subject.id } : {}),
          }}
          onCancel={() => setAdmonishing(false)}
          onDone={() => {
            setAdmonishing(false);
            reload();
            onChanged();
          }}
        />
      )}
    </Drawer>
  );
}

// One admonition talk in a drawer: with whom, when, by whom, about what (the listing, the hazards), the
// commitments, and the follow-up: recorded once as kept, or not kept with a note saying what was not done.
import { Alert, Button, Descriptions, Drawer, Input, Radio, Result, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { listingApi } from '../../api/listing';
import { useUser } from '../../auth/AuthProvider';
import { type MessageKey, useI18n } from '../../i18n';
import { useDrawerRecord } from '../../lib/useDrawerRecord';
import { useSubmit } from '../../lib/useSubmit';
import { navigate } from '../../router/router';
import { formatDateTime } from '../events/model';
import { formatDeadline } from '../hazards/model';
import { FollowUpTag } from './bits';
import { ADMONISH_ROLES } from './ListingDrawer';
import { followUpProblem } from './model';

export function AdmonitionDrawer({
  admonitionId,
  onClose,
  onChanged,
}: {
  admonitionId: number | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, tc } = useI18n();
  const user = useUser();
  const {
    record: a,
    setRecord: setA,
    gone: isGone,
    reload,
  } = useDrawerRecord(admonitionId, listingApi.admonition);
  const [done, setDone] = useState<boolean | undefined>();
  const [note, setNote] = useState('');
  const { shown, busy, error, reset, run } = useSubmit();
  useEffect(() => {
    if (admonitionId !== null) {
      setDone(undefined);
      setNote('');
      reset();
    }
  }, [admonitionId, reset]);
  const may = user.roles.some((r) => ADMONISH_ROLES.includes(r));
  const problem = followUpProblem(done, note);

  const record = () =>
    run(
      !!a && !problem && done !== undefined,
      async () => {
        if (!a || done === undefined) return;
        setA(
          await listingApi.followUp(a.id, {
            version: a.version,
            done,
            ...(note.trim() ? { note: note.trim() } : {}),
          }),
        );
        onChanged();
      },
      reload,
    );

  return (
    <Drawer
      open={admonitionId !== null}
      onClose={onClose}
      width="min(600px, 100vw)"
      title={t('listing.adm.title')}
    >
      {isGone ? (
        <Result status="404" subTitle={t('listing.adm.notFound')} />
      ) : !a ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : (
        <div className="event-detail" data-testid="admonition-detail" data-follow-up={a.followUp.state}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('listing.adm.party')}>
              {a.party.name}（{tc('hazards.party', a.party.kind)}）
            </Descriptions.Item>
            <Descriptions.Item label={t('listing.adm.heldAt')}>{formatDateTime(a.heldAt)}</Descriptions.Item>
            <Descriptions.Item label={t('listing.adm.heldBy')}>{a.heldBy}</Descriptions.Item>
            <Descriptions.Item label={t('listing.adm.subject')}>{a.subject}</Descriptions.Item>
            {a.listingId !== null && (
              <Descriptions.Item label={t('listing.adm.listing')}>
                <a
                  href={`/listings/${a.listingId}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/listings/${a.listingId}`);
                  }}
                >
                  {t('listing.adm.openListing', { id: a.listingId })}
                </a>
              </Descriptions.Item>
            )}
            {a.hazards.length > 0 && (
              <Descriptions.Item label={t('listing.adm.hazards')}>
                <Space wrap>
                  {a.hazards.map((h) => (
                    <a
                      key={h.id}
                      href={`/hazards/${h.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/hazards/${h.id}`);
                      }}
                    >
                      {h.trackingNo}
                    </a>
                  ))}
                </Space>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('listing.adm.commitments')}>{a.commitments}</Descriptions.Item>
            <Descriptions.Item label={t('listing.adm.followUpDue')}>
              {formatDeadline(a.followUp.due)}
            </Descriptions.Item>
            <Descriptions.Item label={t('listing.adm.followUp')}>
              <FollowUpTag admonition={a} />
              {a.followUp.at && (
                <Typography.Text type="secondary">
                  {a.followUp.by} · {formatDateTime(a.followUp.at)}
                </Typography.Text>
              )}
              {a.followUp.note && <div data-testid="followup-note">{a.followUp.note}</div>}
            </Descriptions.Item>
            <Descriptions.Item label={t('listing.adm.recordedBy')}>
              {a.createdBy} · {formatDateTime(a.createdAt)}
            </Descriptions.Item>
          </Descriptions>
          {a.followUp.state === 'pending' && may && (
            <section className="event-section" data-testid="followup-form">
              <Typography.Title level={5}>{t('listing.adm.recordFollowUp')}</Typography.Title>
              <Space direction="vertical" className="insp-full">
                <Radio.Group
                  value={done}
                  onChange={(e) => setDone(e.target.value as boolean)}
                  options={[
                    { value: true, label: t('listing.adm.kept') },
                    { value: false, label: t('listing.adm.notKept') },
                  ]}
                  data-testid="followup-done"
                />
                <Input.TextArea
                  rows={2}
                  maxLength={1000}
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  placeholder={t('listing.adm.notePlaceholder')}
                  data-testid="followup-note-input"
                />
                {shown && problem && (
                  <Alert
                    type="warning"
                    showIcon
                    message={t(`listing.adm.followUpProblem.${problem}` as MessageKey)}
                  />
                )}
                {error && <Alert type="error" showIcon message={error} />}
                <Button
                  type="primary"
                  loading={busy}
                  onClick={() => void record()}
                  data-testid="followup-submit"
                >
                  {t('listing.adm.saveFollowUp')}
                </Button>
              </Space>
            </section>
          )}
        </div>
      )}
    </Drawer>
  );
}

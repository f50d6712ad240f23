// 现场检查 (/inspections/visit/<target id>?campaign=<id>): the phone page of an inspector at the site (暗访)
// or of the staff filling a self-inspection (自查). Few taps on a weak network: the location comes from
// the device (the distance to the place shows before check-in), a photo of the arrival is optional, one
// tap checks in; then each checklist item is 合格 / 不合格 / 不适用, "the rest passed" answers all the
// others at once, and a failed item takes a note, a severity and photos. Answers are kept on the phone
// as they are given, so a reload loses none. Submitting turns every failed item into a hazard on the
// server, in one transaction; the page then lists the hazards with their tracking numbers.
import {
  AimOutlined,
  CheckCircleFilled,
  CheckOutlined,
  CloseOutlined,
  EnvironmentFilled,
  LoadingOutlined,
  MinusOutlined,
  WarningFilled,
} from '@ant-design/icons';
import { Alert, Button, Input, Radio, Result, Skeleton, Tag, Typography } from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import { type HazardDetail, hazardsApi, SEVERITIES, type Severity } from '../../api/hazards';
import { type Inspection, inspectionsApi, type Outcome, type TemplateItem } from '../../api/inspections';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useSubmit } from '../../lib/useSubmit';
import { navigate, useLocation } from '../../router/router';
import { formatDistance } from '../events/model';
import { bi, HazardStateTag } from '../hazards/bits';
import { usePhotos } from '../hazards/usePhotos';
import { loadKinds } from '../places/bits';
import { PhotoPicker } from '../report/PhotoPicker';
import { useGeolocation } from '../report/useGeolocation';
import {
  type Answer,
  type Answers,
  activeItems,
  answer,
  buildResults,
  CHECK_IN_RADIUS_M,
  checklistProblems,
  draftKey,
  emptyAnswer,
  failedCount,
  isComplete,
  metresBetween,
  parseDraft,
  passRest,
  serializeDraft,
} from './model';
import '../report/report.css';
import '../hazards/hazards.css';
import './inspections.css';

function readDraft(id: number): Answers {
  try {
    return parseDraft(localStorage.getItem(draftKey(id)));
  } catch {
    return {};
  }
}
function writeDraft(id: number, answers: Answers | null) {
  try {
    if (answers) localStorage.setItem(draftKey(id), serializeDraft(answers));
    else localStorage.removeItem(draftKey(id));
  } catch {
    // private mode: the answers live as long as the page
  }
}

export default function VisitPage() {
  const { t, tc, lang } = useI18n();
  const { pathname, search } = useLocation();
  const targetId = Number(/^\/inspections\/visit\/(\d+)$/.exec(pathname)?.[1] ?? 0);
  const campaignId = Number(search.get('campaign') ?? 0);
  const campaign = useAsync(
    campaignId ? (signal) => inspectionsApi.campaign(campaignId, signal) : null,
    [campaignId],
    { expected: (e) => isApiError(e, 404) },
  );
  const target = campaign.data?.targets.find((x) => x.id === targetId);
  const [visit, setVisit] = useState<Inspection | null>(null);
  const loadedVisit = useAsync(
    target?.inspectionId ? (signal) => inspectionsApi.visit(target.inspectionId ?? 0, signal) : null,
    [target?.inspectionId],
  );
  useEffect(() => {
    if (loadedVisit.data) setVisit(loadedVisit.data);
  }, [loadedVisit.data]);
  const kinds = useAsync(() => loadKinds(), []);
  const kindName = (code: string) => {
    const k = kinds.data?.find((x) => x.code === code);
    return k ? bi(lang, k.name) : tc('level', code);
  };

  if (!campaignId || campaign.error || (campaign.data && !target)) {
    return <Result status="404" subTitle={t('insp.visit.notFound')} />;
  }
  if (!campaign.data || !target || (target.inspectionId && !visit)) {
    return <Skeleton active className="insp-visit" paragraph={{ rows: 6 }} />;
  }
  return (
    <div className="insp-visit report-form" data-testid="visit-page" data-state={visit?.state ?? 'pending'}>
      <div className="insp-visit-head">
        <Typography.Text type="secondary" className="insp-visit-campaign">
          {campaign.data.name}
        </Typography.Text>
        <h2 className="report-label insp-visit-title" data-testid="visit-target">
          {target.name}
        </h2>
        <Typography.Text type="secondary">
          {kindName(target.kind)} · {tc('insp.kind', campaign.data.kind)}
        </Typography.Text>
      </div>
      {!visit ? (
        <CheckIn
          covert={campaign.data.kind === 'covert'}
          targetLocation={target.location}
          targetId={target.id}
          onDone={setVisit}
        />
      ) : visit.state === 'checked_in' ? (
        <Checklist visit={visit} onDone={setVisit} />
      ) : (
        <Submitted visit={visit} campaignId={campaignId} />
      )}
    </div>
  );
}

function CheckIn({
  covert,
  targetLocation,
  targetId,
  onDone,
}: {
  covert: boolean;
  targetLocation: { lng: number; lat: number } | null;
  targetId: number;
  onDone: (v: Inspection) => void;
}) {
  const { t } = useI18n();
  const geo = useGeolocation();
  const photos = usePhotos();
  const { busy, error, run } = useSubmit();
  const distance = geo.position && targetLocation ? metresBetween(geo.position, targetLocation) : null;
  const far = distance !== null && distance > CHECK_IN_RADIUS_M;
  const blocked = covert && !geo.position;

  const checkIn = () =>
    run(true, async () => {
      onDone(
        await inspectionsApi.checkIn(targetId, {
          ...(geo.position ? { location: { ...geo.position, crs: 'wgs84' as const } } : {}),
          mediaIds: photos.mediaIds,
        }),
      );
    });

  return (
    <>
      <section className="report-field" data-testid="visit-location" data-status={geo.status}>
        <div className="report-label">{t('insp.visit.where')}</div>
        <div
          className={`report-location report-location-${geo.position ? 'gps' : geo.status === 'locating' ? 'locating' : 'missing'}`}
        >
          <span className="report-location-icon">
            {geo.position ? (
              <EnvironmentFilled />
            ) : geo.status === 'locating' ? (
              <LoadingOutlined />
            ) : (
              <WarningFilled />
            )}
          </span>
          <span className="report-location-text">
            {geo.position
              ? geo.accuracy
                ? t('report.location.gpsAccuracy', { m: geo.accuracy })
                : t('report.location.gps')
              : geo.status === 'locating'
                ? t('report.location.locating')
                : geo.status === 'denied'
                  ? t('report.location.denied')
                  : t('report.location.unavailable')}
          </span>
          {!geo.position && geo.status !== 'locating' && (
            <Button size="small" icon={<AimOutlined />} onClick={geo.retry}>
              {t('insp.visit.retry')}
            </Button>
          )}
        </div>
        {distance !== null && (
          <div className={far ? 'insp-far' : 'report-note'} data-testid="visit-distance">
            {far
              ? t('insp.visit.far', { d: formatDistance(distance) })
              : t('insp.visit.near', { d: formatDistance(distance) })}
          </div>
        )}
      </section>
      <section className="report-field">
        <div className="report-label">
          {t('insp.visit.arrivalPhoto')}
          <span className="report-label-hint">{t('insp.visit.optional')}</span>
        </div>
        <PhotoPicker photos={photos.photos} onAdd={photos.add} onRemove={photos.remove} />
      </section>
      {blocked && <Alert type="warning" showIcon message={t('insp.visit.locationRequired')} />}
      {error && <Alert type="error" showIcon message={error} data-testid="visit-error" />}
      <div className="hazard-new-submit">
        <Button
          type="primary"
          size="large"
          block
          loading={busy}
          disabled={blocked || photos.uploading}
          onClick={() => void checkIn()}
          data-testid="visit-check-in"
        >
          {t('insp.visit.checkIn')}
        </Button>
      </div>
    </>
  );
}

function Checklist({ visit, onDone }: { visit: Inspection; onDone: (v: Inspection) => void }) {
  const { t, tc, lang } = useI18n();
  const [answers, setAnswersState] = useState<Answers>(() => readDraft(visit.id));
  const { shown, busy, error, run } = useSubmit();
  const items = useMemo(() => activeItems(visit.template), [visit.template]);
  const setAnswers = (fn: (a: Answers) => Answers) =>
    setAnswersState((a) => {
      const next = fn(a);
      writeDraft(visit.id, next);
      return next;
    });
  const problems = checklistProblems(visit.template, answers);
  const failed = failedCount(answers);
  const [uploading, setUploading] = useState<Record<string, boolean>>({});
  const anyUploading = Object.values(uploading).some(Boolean);

  const submit = () =>
    run(isComplete(problems), async () => {
      const done = await inspectionsApi.submit(visit.id, {
        version: visit.version,
        results: buildResults(visit.template, answers),
      });
      writeDraft(visit.id, null);
      onDone(done);
    });

  return (
    <>
      <div className="insp-checked-in" data-testid="visit-checked-in">
        <CheckCircleFilled /> {t('insp.visit.checkedIn', { by: visit.by })}
        {visit.distanceM !== null && ` · ${formatDistance(visit.distanceM)}`}
        {visit.locationFlag && (
          <Tag color="warning" className="hazards-inline-tag" data-testid="visit-flag">
            {tc('insp.flag', visit.locationFlag)}
          </Tag>
        )}
      </div>
      <div className="insp-checklist-head">
        <div className="report-label">
          {bi(lang, visit.template.name)}
          <span className="report-label-hint">
            {t('insp.visit.answered', {
              done: items.length - problems.unanswered.length,
              total: items.length,
            })}
          </span>
        </div>
        <Button
          onClick={() => setAnswers((a) => passRest(visit.template, a))}
          disabled={problems.unanswered.length === 0}
          data-testid="visit-pass-rest"
        >
          {t('insp.visit.passRest')}
        </Button>
      </div>
      <div className="insp-items" data-testid="visit-items">
        {items.map((item, i) => (
          <ItemCard
            key={item.code}
            index={i + 1}
            item={item}
            value={answers[item.code] ?? emptyAnswer()}
            missing={
              shown && (problems.unanswered.includes(item.code) || problems.photoMissing.includes(item.code))
            }
            photoMissing={shown && problems.photoMissing.includes(item.code)}
            onOutcome={(o) => setAnswers((a) => answer(a, item.code, o))}
            onChange={(patch) =>
              setAnswers((a) => ({ ...a, [item.code]: { ...(a[item.code] ?? emptyAnswer()), ...patch } }))
            }
            onUploading={(u) => setUploading((x) => (x[item.code] === u ? x : { ...x, [item.code]: u }))}
          />
        ))}
      </div>
      {shown && !isComplete(problems) && (
        <Alert
          type="warning"
          showIcon
          message={
            problems.unanswered.length
              ? t('insp.visit.unanswered', { n: problems.unanswered.length })
              : t('insp.visit.photoMissing', { n: problems.photoMissing.length })
          }
          data-testid="visit-problems"
        />
      )}
      {error && <Alert type="error" showIcon message={error} data-testid="visit-error" />}
      <div className="hazard-new-submit">
        <Button
          type="primary"
          size="large"
          block
          danger={failed > 0}
          loading={busy}
          disabled={anyUploading}
          onClick={() => void submit()}
          data-testid="visit-submit"
        >
          {failed > 0 ? t('insp.visit.submitFailed', { n: failed }) : t('insp.visit.submit')}
        </Button>
      </div>
    </>
  );
}

const OUTCOME_ICONS: Record<Outcome, ReactNode> = {
  pass: <CheckOutlined />,
  fail: <CloseOutlined />,
  na: <MinusOutlined />,
};

function ItemCard({
  index,
  item,
  value,
  missing,
  photoMissing,
  onOutcome,
  onChange,
  onUploading,
}: {
  index: number;
  item: TemplateItem;
  value: Answer;
  missing: boolean;
  photoMissing: boolean;
  onOutcome: (o: Outcome) => void;
  onChange: (patch: Partial<Answer>) => void;
  onUploading: (u: boolean) => void;
}) {
  const { t, tc, lang } = useI18n();
  const photos = usePhotos();
  // ids uploaded before a reload (kept in the draft) stay; new photos add to them
  const [kept, setKept] = useState<number[]>(() => value.mediaIds);
  const ids = [...kept, ...photos.mediaIds];
  const key = ids.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the ids' string is the dependency
  useEffect(() => {
    if (key !== value.mediaIds.join(',')) onChange({ mediaIds: ids });
  }, [key]);
  useEffect(() => onUploading(photos.uploading), [photos.uploading, onUploading]);

  return (
    <section
      className={`insp-item insp-item-${value.outcome ?? 'open'}${missing ? ' insp-item-missing' : ''}`}
      data-testid="visit-item"
      data-code={item.code}
      data-outcome={value.outcome ?? ''}
    >
      <div className="insp-item-text">
        <span className="insp-item-no">{index}</span>
        <span>{bi(lang, item.text)}</span>
      </div>
      <div className="insp-outcomes">
        {(['pass', 'fail', 'na'] as const).map((o) => (
          <button
            key={o}
            type="button"
            aria-pressed={value.outcome === o}
            className={`insp-outcome insp-outcome-${o}${value.outcome === o ? ' selected' : ''}`}
            onClick={() => onOutcome(o)}
            data-outcome={o}
          >
            {OUTCOME_ICONS[o]} {tc('insp.outcome', o)}
          </button>
        ))}
      </div>
      {value.outcome === 'fail' && (
        <div className="insp-fail">
          <Radio.Group
            className="hazard-new-severity"
            optionType="button"
            buttonStyle="solid"
            value={value.severity ?? item.severity}
            onChange={(e) => onChange({ severity: e.target.value as Severity })}
            options={SEVERITIES.map((s) => ({ value: s, label: tc('hazards.severity', s) }))}
          />
          <Input.TextArea
            rows={2}
            maxLength={1000}
            value={value.note}
            onChange={(e) => onChange({ note: e.target.value })}
            placeholder={t('insp.visit.notePlaceholder')}
            data-testid="visit-item-note"
          />
          <div className="report-label">
            {t('insp.visit.itemPhotos')}
            {item.photoRequired && <span className="report-required"> *</span>}
            {kept.length > 0 && (
              <span className="report-label-hint">
                {t('insp.visit.keptPhotos', { n: kept.length })}{' '}
                <Button type="link" size="small" onClick={() => setKept([])}>
                  {t('insp.visit.clearPhotos')}
                </Button>
              </span>
            )}
          </div>
          <PhotoPicker photos={photos.photos} onAdd={photos.add} onRemove={photos.remove} />
          {photoMissing && <div className="insp-far">{t('insp.visit.photoRequired')}</div>}
        </div>
      )}
    </section>
  );
}

function Submitted({ visit, campaignId }: { visit: Inspection; campaignId: number }) {
  const { t, lang } = useI18n();
  const hazardIds = (visit.results ?? []).flatMap((r) => (r.hazardId ? [r.hazardId] : []));
  const hazards = useAsync(
    (signal) => Promise.all(hazardIds.map((id) => hazardsApi.get(id, signal))),
    [visit.id, hazardIds.join(',')],
  );
  const itemText = (code: string) => {
    const i = visit.template.items.find((x) => x.code === code);
    return i ? bi(lang, i.text) : code;
  };
  const byId = new Map<number, HazardDetail>((hazards.data ?? []).map((h) => [h.id, h]));
  return (
    <div data-testid="visit-submitted">
      <Result
        status="success"
        title={
          hazardIds.length ? t('insp.visit.doneHazards', { n: hazardIds.length }) : t('insp.visit.doneClean')
        }
        subTitle={t('insp.visit.doneAt', { by: visit.by })}
      />
      {(visit.results ?? [])
        .filter((r) => r.outcome === 'fail')
        .map((r) => {
          const h = r.hazardId ? byId.get(r.hazardId) : undefined;
          return (
            <div
              key={r.code}
              className="insp-result"
              data-testid="visit-hazard"
              data-tracking-no={h?.trackingNo ?? ''}
            >
              <div>{itemText(r.code)}</div>
              {h ? (
                <div className="insp-result-hazard">
                  <a
                    href={`/hazards/${h.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`/hazards/${h.id}`);
                    }}
                  >
                    {h.trackingNo}
                  </a>
                  <HazardStateTag state={h.state} />
                </div>
              ) : (
                <Skeleton.Input active size="small" />
              )}
            </div>
          );
        })}
      <Button
        block
        size="large"
        onClick={() => navigate(`/inspections/${campaignId}`)}
        data-testid="visit-back"
      >
        {t('insp.visit.back')}
      </Button>
    </div>
  );
}

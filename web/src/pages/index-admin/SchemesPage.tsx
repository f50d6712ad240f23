// The scheme editor (/index/schemes): the current version of a scheme — its name, the five color
// bands, the weights of the three dimensions, the indicators (code, names, dimension, direction,
// weight, source, target), the accountability ladder (which streaks of colors lead to which action, one
// readable sentence per rung) and the Monte Carlo settings of the rank intervals — edited in place and
// checked as you type (the same rules as the server), previewed on a published month's data side by
// side with what was published, and saved as the next version (sending the version read: someone
// else's save in between answers 409 and reloads).
import {
  CloseOutlined,
  DeleteOutlined,
  EyeOutlined,
  PlusOutlined,
  ReloadOutlined,
  SaveOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Empty,
  Input,
  InputNumber,
  Radio,
  Result,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { Fragment, useEffect, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import {
  COLORS,
  type Dimension,
  type IndexColor,
  type IndexLevel,
  indexApi,
  type Ladder,
  type LadderStreak,
  RUNGS,
  type Scheme,
  type SchemeBody,
  type SchemeIndicator,
  type UncertaintySettings,
} from '../../api/safetyIndex';
import { type MessageKey, useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { ACTION_COLORS, COLOR_HEX, ColorTag, isConflict, useIndexErrorText } from './bits';
import {
  addRung,
  bandsFor,
  type ComparedRow,
  compareWithPublished,
  DEFAULT_LADDER,
  DIMENSIONS,
  delistingSentence,
  EVENT_METRICS,
  externalCodes,
  formatChange,
  formatDateTime,
  formatScore,
  ladderOf,
  lastMonth,
  newIndicator,
  rungSentence,
  type SchemeIssue,
  sameScheme,
  serverIssuePaths,
  uncertaintyOf,
  validateScheme,
} from './model';
import './index-admin.css';

const clone = (b: SchemeBody): SchemeBody => JSON.parse(JSON.stringify(b)) as SchemeBody;

export default function SchemesPage() {
  const { t } = useI18n();
  const list = useAsync(() => indexApi.schemes(), []);
  const [code, setCode] = useState<string | null>(null);
  const schemes = list.data?.items ?? [];
  const chosen = code ?? schemes[0]?.code ?? null;

  if (list.loading && !list.data) {
    return (
      <Card className="page-card">
        <Skeleton active paragraph={{ rows: 10 }} />
      </Card>
    );
  }
  if (list.error !== undefined) {
    return (
      <Card className="page-card">
        <Result
          status="error"
          title={t('indexadmin.loadFailed')}
          extra={<Button onClick={list.reload}>{t('indexadmin.retry')}</Button>}
        />
      </Card>
    );
  }
  if (!chosen) {
    return (
      <Card className="page-card">
        <Empty description={t('indexadmin.scheme.none')} />
      </Card>
    );
  }
  return (
    <SchemeEditor
      key={chosen}
      code={chosen}
      others={schemes.map((s) => ({ code: s.code, name: s.body.name }))}
      onPick={setCode}
    />
  );
}

function SchemeEditor({
  code,
  others,
  onPick,
}: {
  code: string;
  others: { code: string; name: { zh: string; en: string } }[];
  onPick: (code: string) => void;
}) {
  const { t, lang } = useI18n();
  const { modal, message } = App.useApp();
  const errorText = useIndexErrorText();
  const loaded = useAsync(() => indexApi.scheme(code), [code]);
  const [base, setBase] = useState<Scheme | null>(null);
  const [draft, setDraft] = useState<SchemeBody | null>(null);
  const [saving, setSaving] = useState(false);
  const [serverProblem, setServerProblem] = useState<string | null>(null);
  useEffect(() => {
    if (loaded.data) {
      setBase(loaded.data);
      setDraft(clone(loaded.data.body));
    }
  }, [loaded.data]);

  const issues = useMemo(() => (draft ? validateScheme(draft) : []), [draft]);
  const bad = useMemo(
    () => new Set([...issues.map((i) => i.path), ...serverIssuePaths(serverProblem)]),
    [issues, serverProblem],
  );
  const dirty = !!(draft && base && !sameScheme(draft, base.body));

  if (!draft || !base) {
    return (
      <Card className="page-card">
        <Skeleton active paragraph={{ rows: 10 }} />
      </Card>
    );
  }

  const update = (patch: Partial<SchemeBody>) => {
    setServerProblem(null);
    setDraft((d) => (d ? { ...d, ...patch } : d));
  };
  const updateIndicator = (i: number, patch: Partial<SchemeIndicator>) =>
    setDraft((d) =>
      d ? { ...d, indicators: d.indicators.map((x, k) => (k === i ? { ...x, ...patch } : x)) } : d,
    );
  const removeIndicator = (i: number) =>
    setDraft((d) => (d ? { ...d, indicators: d.indicators.filter((_, k) => k !== i) } : d));
  const addIndicator = () =>
    setDraft((d) => (d ? { ...d, indicators: [...d.indicators, newIndicator(d.indicators)] } : d));

  const reload = async () => {
    const fresh = await indexApi.scheme(code);
    setBase(fresh);
    setDraft(clone(fresh.body));
  };
  const save = () =>
    modal.confirm({
      title: t('indexadmin.scheme.saveTitle', { version: base.version + 1 }),
      content: t('indexadmin.scheme.saveBody'),
      okText: t('indexadmin.scheme.save'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setSaving(true);
        setServerProblem(null);
        try {
          const saved = await indexApi.saveScheme(code, draft, base.version);
          setBase(saved);
          setDraft(clone(saved.body));
          void message.success(t('indexadmin.scheme.saved', { version: saved.version }));
        } catch (e) {
          void message.error(errorText(e));
          if (isConflict(e)) await reload();
          else if (isApiError(e, 422)) setServerProblem(e.detail ?? null);
        } finally {
          setSaving(false);
        }
      },
    });

  const counts = Object.fromEntries(
    DIMENSIONS.map((d) => [d, draft.indicators.filter((i) => i.dimension === d).length]),
  ) as Record<Dimension, number>;
  const dimTotal = DIMENSIONS.reduce((a, d) => a + (draft.dimensionWeights[d] || 0), 0);
  const groups = [
    ...new Set(
      draft.indicators.filter((i) => i.source.startsWith('events.group:')).map((i) => i.source.slice(13)),
    ),
  ];
  const sourceOptions = [
    ...EVENT_METRICS.map((m) => `events:${m}`),
    ...groups.map((g) => `events.group:${g}`),
    ...externalCodes(draft).map((c) => `external:${c}`),
  ].map((value) => ({ value }));

  return (
    <div className="ia-scheme" data-testid="scheme-editor">
      <Card className="ia-card">
        <div className="ia-run-title">
          <Typography.Title level={4} className="ia-h">
            {t('indexadmin.scheme.title')}
          </Typography.Title>
          {others.length > 1 && (
            <Select
              value={code}
              onChange={onPick}
              options={others.map((o) => ({ value: o.code, label: lang === 'en' ? o.name.en : o.name.zh }))}
              style={{ width: 240 }}
            />
          )}
          <Tag color="blue" data-testid="scheme-version">
            <code>{base.code}</code> · {t('indexadmin.scheme.version', { version: base.version })}
          </Tag>
          <Typography.Text type="secondary">
            {t('indexadmin.scheme.savedBy', { by: base.createdBy, at: formatDateTime(base.createdAt) })}
          </Typography.Text>
          <span className="ia-grow" />
          {dirty && <Tag color="orange">{t('indexadmin.scheme.edited')}</Tag>}
          <Button icon={<UndoOutlined />} disabled={!dirty} onClick={() => setDraft(clone(base.body))}>
            {t('indexadmin.scheme.reset')}
          </Button>
          <Tooltip title={!dirty ? t('indexadmin.scheme.unchanged') : undefined}>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              disabled={!dirty || issues.length > 0}
              loading={saving}
              onClick={save}
              data-testid="scheme-save"
            >
              {t('indexadmin.scheme.save')}
            </Button>
          </Tooltip>
        </div>

        {issues.length > 0 && (
          <Alert
            type="error"
            showIcon
            className="ia-gap-top"
            data-testid="scheme-issues"
            message={t('indexadmin.scheme.invalid', { n: issues.length })}
            description={
              <ul className="ia-issues">
                {issues.slice(0, 8).map((i) => (
                  <li key={`${i.path}:${i.code}`}>
                    <IssueText issue={i} />
                  </li>
                ))}
              </ul>
            }
          />
        )}
        {serverProblem && (
          <Alert
            type="error"
            showIcon
            className="ia-gap-top"
            data-testid="scheme-server-problem"
            message={t('indexadmin.scheme.serverInvalid')}
            description={
              <ul className="ia-issues">
                {serverProblem.split('; ').map((p) => (
                  <li key={p}>
                    <code>{p}</code>
                  </li>
                ))}
              </ul>
            }
          />
        )}

        <div className="ia-basics">
          <div className="ia-field">
            <label htmlFor="scheme-name-zh" className="ia-field-label">
              {t('indexadmin.scheme.name')}
            </label>
            <Input
              id="scheme-name-zh"
              value={draft.name.zh}
              status={bad.has('name.zh') ? 'error' : undefined}
              onChange={(e) => update({ name: { ...draft.name, zh: e.target.value } })}
              prefix={<span className="ia-prefix">中</span>}
            />
            <Input
              value={draft.name.en}
              status={bad.has('name.en') ? 'error' : undefined}
              onChange={(e) => update({ name: { ...draft.name, en: e.target.value } })}
              prefix={<span className="ia-prefix">EN</span>}
            />
          </div>
          <div className="ia-field">
            <div className="ia-field-label">{t('indexadmin.scheme.dimensionWeights')}</div>
            {DIMENSIONS.map((d) => (
              <div key={d} className="ia-dim-row">
                <span className="ia-dim-name">{t(`indexadmin.dimension.${d}`)}</span>
                <InputNumber
                  size="small"
                  min={0}
                  value={draft.dimensionWeights[d]}
                  status={bad.has(`dimensionWeights.${d}`) ? 'error' : undefined}
                  onChange={(v) =>
                    update({
                      dimensionWeights: {
                        ...draft.dimensionWeights,
                        [d]: typeof v === 'number' ? v : Number.NaN,
                      },
                    })
                  }
                  data-testid={`dim-weight-${d}`}
                  style={{ width: 84 }}
                />
                <Typography.Text type="secondary" className="ia-dim-share">
                  {dimTotal > 0 ? `${Math.round(((draft.dimensionWeights[d] || 0) / dimTotal) * 100)}%` : '—'}{' '}
                  · {t('indexadmin.scheme.indicatorCount', { n: counts[d] })}
                </Typography.Text>
              </div>
            ))}
          </div>
          <div className="ia-field ia-bands">
            <div className="ia-field-label">
              {t('indexadmin.scheme.bands')}{' '}
              <Radio.Group
                size="small"
                value={draft.bands.mode}
                onChange={(e) =>
                  update({ bands: bandsFor(e.target.value as 'thresholds' | 'quantiles', draft.bands) })
                }
                optionType="button"
                options={[
                  { value: 'thresholds', label: t('indexadmin.scheme.bands.thresholds') },
                  { value: 'quantiles', label: t('indexadmin.scheme.bands.quantiles') },
                ]}
              />
            </div>
            <div className="ia-band-list">
              {COLORS.slice(0, 4).map((c, k) => {
                const values =
                  draft.bands.mode === 'thresholds' ? draft.bands.thresholds : draft.bands.shares;
                return (
                  <div key={c} className="ia-band">
                    <span className="ia-swatch" style={{ background: COLOR_HEX[c] }} />
                    <span className="ia-band-name">{t(`indexadmin.color.${c}`)}</span>
                    <span className="ia-muted ia-band-op">
                      {draft.bands.mode === 'thresholds' ? '≥' : ''}
                    </span>
                    <InputNumber
                      size="small"
                      value={values[k]}
                      step={draft.bands.mode === 'thresholds' ? 1 : 0.05}
                      status={bad.has('bands') ? 'error' : undefined}
                      onChange={(v) => {
                        const next = [...values] as [number, number, number, number];
                        next[k] = typeof v === 'number' ? v : Number.NaN;
                        update({
                          bands:
                            draft.bands.mode === 'thresholds'
                              ? { mode: 'thresholds', thresholds: next }
                              : { mode: 'quantiles', shares: next },
                        });
                      }}
                      data-testid={`band-${c}`}
                      style={{ width: 72 }}
                    />
                  </div>
                );
              })}
              <div className="ia-band">
                <span className="ia-swatch" style={{ background: COLOR_HEX.red }} />
                <span className="ia-band-name">{t('indexadmin.color.red')}</span>
                <span className="ia-muted">{t('indexadmin.scheme.bands.rest')}</span>
              </div>
            </div>
            <Typography.Text type="secondary" className="ia-hint">
              {draft.bands.mode === 'thresholds'
                ? t('indexadmin.scheme.bands.thresholdsHint')
                : t('indexadmin.scheme.bands.sharesHint')}
            </Typography.Text>
            <Typography.Text type="secondary" className="ia-hint">
              {t('indexadmin.scheme.method')}:{' '}
              {draft.method && Object.keys(draft.method).length ? (
                <code>{JSON.stringify(draft.method)}</code>
              ) : (
                t('indexadmin.scheme.methodDefault')
              )}
            </Typography.Text>
          </div>
        </div>
      </Card>

      <Card
        className="ia-card"
        title={t('indexadmin.scheme.indicators', { n: draft.indicators.length })}
        extra={
          <Button icon={<PlusOutlined />} onClick={addIndicator} data-testid="scheme-add">
            {t('indexadmin.scheme.add')}
          </Button>
        }
      >
        <Table<SchemeIndicator & { _i: number }>
          data-testid="scheme-indicators"
          size="small"
          rowKey="_i"
          pagination={false}
          dataSource={draft.indicators.map((x, i) => ({ ...x, _i: i }))}
          columns={[
            { key: 'n', title: '#', width: 36, render: (_, r) => r._i + 1 },
            {
              key: 'code',
              title: t('indexadmin.scheme.col.code'),
              width: 160,
              render: (_, r) => (
                <Input
                  size="small"
                  value={r.code}
                  status={bad.has(`indicators.${r._i}.code`) ? 'error' : undefined}
                  onChange={(e) => updateIndicator(r._i, { code: e.target.value.trim() })}
                  className="ia-mono ia-fill"
                  data-testid="ind-code"
                />
              ),
            },
            {
              key: 'name',
              title: t('indexadmin.scheme.col.name'),
              render: (_, r) => (
                <div className="ia-names">
                  <Input
                    size="small"
                    value={r.name.zh}
                    status={bad.has(`indicators.${r._i}.name.zh`) ? 'error' : undefined}
                    onChange={(e) => updateIndicator(r._i, { name: { ...r.name, zh: e.target.value } })}
                    placeholder="中文"
                    data-testid="ind-name-zh"
                  />
                  <Input
                    size="small"
                    value={r.name.en}
                    status={bad.has(`indicators.${r._i}.name.en`) ? 'error' : undefined}
                    onChange={(e) => updateIndicator(r._i, { name: { ...r.name, en: e.target.value } })}
                    placeholder="English"
                    className="ia-name-en"
                  />
                </div>
              ),
            },
            {
              key: 'dimension',
              title: t('indexadmin.scheme.col.dimension'),
              width: 116,
              render: (_, r) => (
                <Select
                  size="small"
                  value={r.dimension}
                  onChange={(v) => updateIndicator(r._i, { dimension: v })}
                  options={DIMENSIONS.map((d) => ({ value: d, label: t(`indexadmin.dimension.${d}`) }))}
                  style={{ width: 104 }}
                />
              ),
            },
            {
              key: 'direction',
              title: t('indexadmin.scheme.col.direction'),
              width: 92,
              render: (_, r) => (
                <Select
                  size="small"
                  value={r.direction}
                  onChange={(v) => updateIndicator(r._i, { direction: v })}
                  optionLabelProp="short"
                  popupMatchSelectWidth={false}
                  options={[
                    { value: 1, label: t('indexadmin.scheme.direction.up'), short: '+1 ↑' },
                    { value: -1, label: t('indexadmin.scheme.direction.down'), short: '−1 ↓' },
                  ]}
                  title={t(
                    r.direction === 1 ? 'indexadmin.scheme.direction.up' : 'indexadmin.scheme.direction.down',
                  )}
                  style={{ width: 80 }}
                />
              ),
            },
            {
              key: 'weight',
              title: t('indexadmin.scheme.col.weight'),
              width: 76,
              render: (_, r) => (
                <InputNumber
                  size="small"
                  value={r.weight}
                  min={0}
                  status={bad.has(`indicators.${r._i}.weight`) ? 'error' : undefined}
                  onChange={(v) => updateIndicator(r._i, { weight: typeof v === 'number' ? v : Number.NaN })}
                  style={{ width: 64 }}
                  data-testid="ind-weight"
                />
              ),
            },
            {
              key: 'source',
              title: t('indexadmin.scheme.col.source'),
              width: 200,
              render: (_, r) => (
                <AutoComplete
                  size="small"
                  value={r.source}
                  options={sourceOptions}
                  filterOption={(input, o) => (o?.value ?? '').toString().includes(input)}
                  onChange={(v: string) => updateIndicator(r._i, { source: v.trim() })}
                  status={bad.has(`indicators.${r._i}.source`) ? 'error' : undefined}
                  className="ia-mono"
                  style={{ width: '100%' }}
                />
              ),
            },
            {
              key: 'target',
              title: t('indexadmin.scheme.col.target'),
              width: 76,
              render: (_, r) => (
                <InputNumber
                  size="small"
                  value={r.target ?? null}
                  status={bad.has(`indicators.${r._i}.target`) ? 'error' : undefined}
                  onChange={(v) => updateIndicator(r._i, { target: typeof v === 'number' ? v : undefined })}
                  style={{ width: 64 }}
                />
              ),
            },
            {
              key: 'del',
              title: '',
              width: 40,
              render: (_, r) => (
                <Tooltip title={t('indexadmin.scheme.remove')}>
                  <Button
                    size="small"
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => removeIndicator(r._i)}
                    aria-label={t('indexadmin.scheme.remove')}
                  />
                </Tooltip>
              ),
            },
          ]}
        />
      </Card>

      <LadderCard
        ladder={ladderOf(draft)}
        own={draft.ladder !== undefined}
        bad={bad}
        onChange={(ladder) => update({ ladder })}
      />
      <MonteCarloCard
        settings={uncertaintyOf(draft)}
        bad={bad}
        onChange={(patch) => update({ uncertainty: { ...uncertaintyOf(draft), ...patch } })}
      />

      <PreviewCard draft={draft} disabled={issues.length > 0} />
    </div>
  );
}

const num = (v: number | string | null) => (typeof v === 'number' ? v : Number.NaN);

/** The color of a streak, each option shown with its swatch. */
function ColorPick({
  value,
  onChange,
  testId,
}: {
  value: IndexColor;
  onChange: (c: IndexColor) => void;
  testId?: string;
}) {
  const { lang } = useI18n();
  return (
    <Select
      size="small"
      value={value}
      onChange={onChange}
      options={COLORS.map((c) => ({ value: c, label: <ColorTag color={c} /> }))}
      popupMatchSelectWidth={false}
      style={{ width: lang === 'en' ? 124 : 92 }}
      data-testid={testId}
    />
  );
}

/**
 * The accountability ladder: a row per rung (its streaks of colors, "or" between them, and the days to
 * answer) with the rung said as one sentence below, then the delisting rule. A rung can be dropped and
 * put back; the order is fixed (warning → copy-notice → supervision → listing).
 */
// The numbers below take any input: a value out of range is not dropped while typing (as an InputNumber
// with min/max does) but marked and explained by the validation, as the server would refuse it.
function LadderCard({
  ladder,
  own,
  bad,
  onChange,
}: {
  ladder: Ladder;
  own: boolean;
  bad: ReadonlySet<string>;
  onChange: (l: Ladder) => void;
}) {
  const { t } = useI18n();
  const setRung = (i: number, patch: Partial<Ladder['rungs'][number]>) =>
    onChange({ ...ladder, rungs: ladder.rungs.map((r, k) => (k === i ? { ...r, ...patch } : r)) });
  const setStreak = (i: number, k: number, patch: Partial<LadderStreak>) =>
    setRung(i, { when: ladder.rungs[i]!.when.map((w, j) => (j === k ? { ...w, ...patch } : w)) });
  const missing = RUNGS.filter((a) => !ladder.rungs.some((r) => r.action === a));
  const d = ladder.delisting;

  return (
    <Card
      className="ia-card"
      title={t('indexadmin.ladder.title')}
      data-testid="scheme-ladder"
      extra={
        <Button
          size="small"
          icon={<UndoOutlined />}
          onClick={() => onChange(structuredClone(DEFAULT_LADDER))}
          data-testid="ladder-reset"
        >
          {t('indexadmin.ladder.reset')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" className="ia-hint">
        {t('indexadmin.ladder.intro')}
        {!own && <> {t('indexadmin.ladder.defaultNote')}</>}
      </Typography.Paragraph>
      <div className="ia-ladder">
        {ladder.rungs.map((r, i) => (
          <div key={r.action} className="ia-rung" data-testid="ladder-rung" data-action={r.action}>
            <div className="ia-rung-action">
              <Tag color={ACTION_COLORS[r.action]}>{t(`indexadmin.acc.action.${r.action}`)}</Tag>
            </div>
            <div className="ia-rung-when">
              {r.when.map((w, k) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a streak has no identity but its place
                <Fragment key={k}>
                  {k > 0 && <span className="ia-or">{t('indexadmin.ladder.or').trim()}</span>}
                  <span className="ia-streak">
                    {t('indexadmin.ladder.ed.for')}
                    <InputNumber
                      size="small"
                      value={w.periods}
                      status={bad.has(`ladder.rungs.${i}.when.${k}.periods`) ? 'error' : undefined}
                      onChange={(v) => setStreak(i, k, { periods: num(v) })}
                      style={{ width: 54 }}
                      data-testid="streak-periods"
                    />
                    {t('indexadmin.ladder.ed.months')}
                    <ColorPick value={w.color} onChange={(color) => setStreak(i, k, { color })} />
                    <Checkbox
                      checked={w.orWorse}
                      onChange={(e) => setStreak(i, k, { orWorse: e.target.checked })}
                    >
                      {t('indexadmin.ladder.ed.orWorse')}
                    </Checkbox>
                    {r.when.length > 1 && (
                      <Tooltip title={t('indexadmin.ladder.removeWhen')}>
                        <Button
                          size="small"
                          type="text"
                          icon={<CloseOutlined />}
                          aria-label={t('indexadmin.ladder.removeWhen')}
                          onClick={() => setRung(i, { when: r.when.filter((_, j) => j !== k) })}
                        />
                      </Tooltip>
                    )}
                  </span>
                </Fragment>
              ))}
              {r.when.length < 4 && (
                <Button
                  size="small"
                  type="dashed"
                  onClick={() =>
                    setRung(i, { when: [...r.when, { color: 'orange', orWorse: true, periods: 2 }] })
                  }
                >
                  {t('indexadmin.ladder.addWhen')}
                </Button>
              )}
            </div>
            <div className="ia-rung-days">
              {t('indexadmin.ladder.ed.answer')}
              <InputNumber
                size="small"
                value={r.answerDays}
                status={bad.has(`ladder.rungs.${i}.answerDays`) ? 'error' : undefined}
                onChange={(v) => setRung(i, { answerDays: num(v) })}
                style={{ width: 62 }}
                data-testid="rung-days"
              />
              {t('indexadmin.ladder.ed.days')}
              <Tooltip title={t('indexadmin.ladder.removeRung')}>
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  disabled={ladder.rungs.length <= 1}
                  aria-label={t('indexadmin.ladder.removeRung')}
                  onClick={() => onChange({ ...ladder, rungs: ladder.rungs.filter((_, k) => k !== i) })}
                />
              </Tooltip>
            </div>
            <div
              className={`ia-rung-sentence${bad.has(`ladder.rungs.${i}.action`) ? ' ia-down' : ''}`}
              data-testid="ladder-sentence"
            >
              {rungSentence(r, t)}
            </div>
          </div>
        ))}
        <div className="ia-rung" data-testid="ladder-rung" data-action="delisting">
          <div className="ia-rung-action">
            <Tag color={ACTION_COLORS.delisting}>{t('indexadmin.acc.action.delisting')}</Tag>
          </div>
          <div className="ia-rung-when">
            <span className="ia-streak">
              {t('indexadmin.ladder.ed.delisting')} {t('indexadmin.ladder.ed.for')}
              <InputNumber
                size="small"
                value={d.periods}
                status={bad.has('ladder.delisting.periods') ? 'error' : undefined}
                onChange={(v) => onChange({ ...ladder, delisting: { ...d, periods: num(v) } })}
                style={{ width: 54 }}
              />
              {t('indexadmin.ladder.ed.months')}
              <ColorPick
                value={d.atOrBetter}
                onChange={(atOrBetter) => onChange({ ...ladder, delisting: { ...d, atOrBetter } })}
              />
              {t('indexadmin.ladder.ed.orBetter')}
            </span>
          </div>
          <div className="ia-rung-days">
            {t('indexadmin.ladder.ed.answer')}
            <InputNumber
              size="small"
              value={d.answerDays}
              status={bad.has('ladder.delisting.answerDays') ? 'error' : undefined}
              onChange={(v) => onChange({ ...ladder, delisting: { ...d, answerDays: num(v) } })}
              style={{ width: 62 }}
            />
            {t('indexadmin.ladder.ed.days')}
            <span style={{ width: 24 }} />
          </div>
          <div className="ia-rung-sentence" data-testid="ladder-sentence">
            {delistingSentence(d, t)}
          </div>
        </div>
        {missing.length > 0 && (
          <div className="ia-ladder-add">
            {missing.map((a) => (
              <Button
                key={a}
                size="small"
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => onChange(addRung(ladder, a))}
              >
                {t('indexadmin.ladder.addRung', { action: t(`indexadmin.acc.action.${a}`) })}
              </Button>
            ))}
          </div>
        )}
      </div>
    </Card>
  );
}

/** The Monte Carlo settings of the rank intervals: replications (0: off), ±weight noise, seed. */
function MonteCarloCard({
  settings,
  bad,
  onChange,
}: {
  settings: UncertaintySettings;
  bad: ReadonlySet<string>;
  onChange: (patch: Partial<UncertaintySettings>) => void;
}) {
  const { t } = useI18n();
  const alternatives = [
    ...(settings.normalise?.length ? [settings.normalise] : []),
    ...(settings.aggregate?.length ? [settings.aggregate] : []),
  ];
  return (
    <Card className="ia-card" title={t('indexadmin.mc.title')} data-testid="scheme-mc">
      <Typography.Paragraph type="secondary" className="ia-hint">
        {t('indexadmin.mc.intro')}
      </Typography.Paragraph>
      <div className="ia-mc">
        <span className="ia-mc-field">
          <span className="ia-field-label">{t('indexadmin.mc.runs')}</span>
          <InputNumber
            size="small"
            step={100}
            value={settings.runs}
            status={bad.has('uncertainty.runs') ? 'error' : undefined}
            onChange={(v) => onChange({ runs: num(v) })}
            style={{ width: 96 }}
            data-testid="mc-runs"
          />
          {settings.runs === 0 && <Tag>{t('indexadmin.mc.off')}</Tag>}
        </span>
        <span className="ia-mc-field">
          <span className="ia-field-label">{t('indexadmin.mc.noise')}</span>±
          <InputNumber
            size="small"
            step={5}
            value={
              Number.isFinite(settings.weightNoise) ? Math.round(settings.weightNoise * 1000) / 10 : null
            }
            status={bad.has('uncertainty.weightNoise') ? 'error' : undefined}
            onChange={(v) => onChange({ weightNoise: typeof v === 'number' ? v / 100 : Number.NaN })}
            addonAfter="%"
            style={{ width: 110 }}
            data-testid="mc-noise"
          />
        </span>
        <span className="ia-mc-field">
          <span className="ia-field-label">{t('indexadmin.mc.seed')}</span>
          <InputNumber
            size="small"
            value={settings.seed}
            status={bad.has('uncertainty.seed') ? 'error' : undefined}
            onChange={(v) => onChange({ seed: num(v) })}
            style={{ width: 110 }}
            data-testid="mc-seed"
          />
          <Typography.Text type="secondary" className="ia-hint">
            {t('indexadmin.mc.seedHint')}
          </Typography.Text>
        </span>
      </div>
      {alternatives.length > 0 && (
        <Typography.Text type="secondary" className="ia-hint ia-gap-top" style={{ display: 'block' }}>
          {t('indexadmin.mc.alternatives')}: <code>{JSON.stringify(alternatives)}</code>
        </Typography.Text>
      )}
    </Card>
  );
}

function IssueText({ issue }: { issue: SchemeIssue }) {
  const { t, tc } = useI18n();
  const vars = { ...issue.vars };
  if (typeof vars.dimension === 'string')
    vars.dimension = t(`indexadmin.dimension.${vars.dimension as Dimension}`);
  if (typeof vars.action === 'string') vars.action = tc('indexadmin.acc.action', vars.action);
  const where =
    typeof vars.n === 'number'
      ? t('indexadmin.issue.atIndicator', { n: vars.n })
      : issue.path.startsWith('ladder')
        ? t('indexadmin.issue.atLadder')
        : issue.path.startsWith('uncertainty')
          ? t('indexadmin.issue.atMc')
          : t('indexadmin.issue.atScheme');
  return (
    <span>
      <strong>{where}</strong>：{t(`indexadmin.issue.${issue.code}` as MessageKey, vars)}
    </span>
  );
}

function PreviewCard({ draft, disabled }: { draft: SchemeBody; disabled: boolean }) {
  const { t, tc } = useI18n();
  const errorText = useIndexErrorText();
  const periods = useAsync(() => indexApi.publicPeriods(), []);
  const now = useMemo(() => new Date(), []);
  const [period, setPeriod] = useState<string | null>(null);
  const [level, setLevel] = useState<IndexLevel>('town');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{
    period: string;
    level: IndexLevel;
    rows: ComparedRow[];
    published: boolean;
    missing: number;
    warnings: number;
  } | null>(null);
  // "last month" with a published month to compare with: the newest published one by default
  const chosen = period ?? periods.data?.periods[0] ?? lastMonth(now);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const [preview, published] = await Promise.all([
        indexApi.preview(draft, level, chosen),
        indexApi.publicIndex(chosen, level).catch((e: unknown) => {
          if (isApiError(e, 404)) return null;
          throw e;
        }),
      ]);
      setResult({
        period: preview.period,
        level,
        rows: compareWithPublished(preview.results, published?.items ?? []),
        published: published !== null,
        missing: preview.missing,
        warnings: preview.warnings.length,
      });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const moved = result?.rows.filter((r) => r.rankMove !== null && r.rankMove !== 0).length ?? 0;
  const recolored = result?.rows.filter((r) => r.before && r.before.color !== r.after.color).length ?? 0;

  return (
    <Card
      className="ia-card"
      data-testid="scheme-preview"
      title={t('indexadmin.preview.heading')}
      extra={
        <Space>
          <DatePicker
            picker="month"
            allowClear={false}
            value={dayjs(`${chosen}-01`)}
            disabledDate={(d: Dayjs) => d.format('YYYY-MM') > lastMonth(now)}
            onChange={(d) => d && setPeriod(d.format('YYYY-MM'))}
          />
          <Radio.Group
            value={level}
            onChange={(e) => setLevel(e.target.value as IndexLevel)}
            optionType="button"
          >
            <Radio.Button value="town">{tc('level', 'town')}</Radio.Button>
            <Radio.Button value="village">{tc('level', 'village')}</Radio.Button>
          </Radio.Group>
          <Button
            type="primary"
            ghost
            icon={result ? <ReloadOutlined /> : <EyeOutlined />}
            loading={busy}
            disabled={disabled}
            onClick={() => void run()}
            data-testid="scheme-preview-run"
          >
            {t('indexadmin.scheme.preview')}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} className="ia-gap-bottom" />}
      {!result ? (
        <Typography.Text type="secondary">{t('indexadmin.preview.intro')}</Typography.Text>
      ) : (
        <>
          <Alert
            type={result.published ? 'info' : 'warning'}
            showIcon
            className="ia-gap-bottom"
            data-testid="preview-summary"
            message={
              result.published
                ? t('indexadmin.preview.changed', {
                    period: result.period,
                    level: tc('level', result.level),
                    n: moved,
                    colors: recolored,
                  })
                : t('indexadmin.preview.noPublished', { period: result.period })
            }
            description={
              result.missing || result.warnings
                ? t('indexadmin.preview.missing', { n: result.missing, w: result.warnings })
                : undefined
            }
          />
          <Table<ComparedRow>
            data-testid="preview-table"
            size="small"
            rowKey="unitId"
            dataSource={result.rows}
            pagination={{ pageSize: 15, hideOnSinglePage: true, showSizeChanger: false }}
            columns={[
              { key: 'unit', title: t('indexadmin.result.unit'), dataIndex: 'name', width: 180 },
              {
                key: 'published',
                title: t('indexadmin.preview.published'),
                className: 'ia-col-before',
                children: [
                  {
                    key: 'pr',
                    title: t('indexadmin.result.rank'),
                    width: 64,
                    className: 'ia-col-before',
                    render: (_, r) => r.before?.rank ?? '—',
                  },
                  {
                    key: 'ps',
                    title: t('indexadmin.result.score'),
                    width: 80,
                    align: 'right',
                    className: 'ia-col-before',
                    render: (_, r) => formatScore(r.before?.score),
                  },
                  {
                    key: 'pc',
                    title: t('indexadmin.result.color'),
                    width: 80,
                    className: 'ia-col-before',
                    render: (_, r) => <ColorTag color={r.before?.color ?? null} />,
                  },
                ],
              },
              {
                key: 'new',
                title: t('indexadmin.preview.new'),
                children: [
                  {
                    key: 'nr',
                    title: t('indexadmin.result.rank'),
                    width: 64,
                    render: (_, r) => r.after.rank ?? '—',
                  },
                  {
                    key: 'ns',
                    title: t('indexadmin.result.score'),
                    width: 80,
                    align: 'right',
                    render: (_, r) => <strong>{formatScore(r.after.score)}</strong>,
                  },
                  {
                    key: 'nc',
                    title: t('indexadmin.result.color'),
                    width: 80,
                    render: (_, r) => <ColorTag color={r.after.color} />,
                  },
                ],
              },
              {
                key: 'move',
                title: t('indexadmin.preview.rankMove'),
                width: 96,
                render: (_, r) =>
                  r.rankMove === null ? (
                    <span className="ia-muted">—</span>
                  ) : r.rankMove > 0 ? (
                    <span className="ia-up">↑ {r.rankMove}</span>
                  ) : r.rankMove < 0 ? (
                    <span className="ia-down">↓ {-r.rankMove}</span>
                  ) : (
                    <span className="ia-muted">=</span>
                  ),
              },
              {
                key: 'delta',
                title: t('indexadmin.preview.scoreChange'),
                width: 96,
                align: 'right',
                render: (_, r) => formatChange(r.scoreChange),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}

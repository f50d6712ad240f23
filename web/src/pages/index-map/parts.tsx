// Pieces of a unit's explanation shared by the unit page and the public page: the headline (score, rank,
// band, change), the three dimension scores, and the trend chart.
import { InfoCircleOutlined } from '@ant-design/icons';
import { Progress, Spin, Tooltip } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import type { Dimension, UnitExplanation } from '../../api/safetyIndex';
import { useI18n } from '../../i18n';
import { ChangeText, ColorTag } from './bits';
import { trendOption } from './charts';
import { bandOfNormalised, changeFromTrend, colorHex, formatScore, rankBounds } from './model';

const IndexChart = lazy(() => import('../../components/EChart'));

export const DIMENSION_ORDER: readonly Dimension[] = ['problems', 'needs', 'effects'];

export function Headline({ x }: { x: UnitExplanation }) {
  const { t } = useI18n();
  const change = changeFromTrend(x.trend, x.period);
  return (
    <div className="index-headline" data-testid="unit-headline">
      <div className="index-headline-score" style={{ borderColor: colorHex(x.color) }}>
        <span className="index-headline-label">{t('indexmap.score')}</span>
        <span className="index-headline-value" data-testid="unit-score">
          {formatScore(x.score)}
        </span>
      </div>
      <dl className="index-headline-facts">
        <div>
          <dt>{t('indexmap.rank')}</dt>
          <dd>
            <span data-testid="unit-rank">
              {x.rank === null ? '—' : t('indexmap.rankOf', { rank: x.rank, of: x.of })}
            </span>
            {x.rank !== null && <RankInterval x={x} />}
          </dd>
        </div>
        <div>
          <dt>{t('indexmap.band')}</dt>
          <dd>
            <ColorTag color={x.color} testId="unit-color" />
          </dd>
        </div>
        <div>
          <dt>{t('indexmap.changeFromLast')}</dt>
          <dd>
            <ChangeText change={change} />
          </dd>
        </div>
      </dl>
    </div>
  );
}

/** "（90% 区间 3–8 名）" under the rank, with what it means a hover away. */
function RankInterval({ x }: { x: UnitExplanation }) {
  const { t } = useI18n();
  const b = rankBounds(x.rankInterval);
  if (!b) return null;
  return (
    <Tooltip title={t('indexmap.rankIntervalHint')}>
      <span className="index-rank-interval" data-testid="unit-rank-interval" data-lo={b.lo} data-hi={b.hi}>
        {b.lo === b.hi ? t('indexmap.rankStable') : t('indexmap.rankInterval', b)}
        <InfoCircleOutlined className="index-rank-info" />
      </span>
    </Tooltip>
  );
}

export function Dimensions({ dimensions }: { dimensions: Record<string, number | null> }) {
  const { t, tc } = useI18n();
  return (
    <div className="index-dimensions" data-testid="unit-dimensions">
      {DIMENSION_ORDER.map((d) => {
        const v = dimensions[d] ?? null;
        return (
          <div key={d} className="index-dimension" data-dimension={d}>
            <span className="index-dimension-name">{tc('indexmap.dimension', d)}</span>
            <Progress
              percent={v === null ? 0 : Math.max(0, Math.min(100, v))}
              showInfo={false}
              strokeColor={colorHex(bandOfNormalised(v))}
              size="small"
            />
            <span className="index-dimension-value">{formatScore(v)}</span>
          </div>
        );
      })}
      <div className="index-hint">{t('indexmap.dimensionHint')}</div>
    </div>
  );
}

export function TrendChart({
  x,
  height = 220,
  onPickPeriod,
}: {
  x: UnitExplanation;
  height?: number;
  onPickPeriod?: (period: string) => void;
}) {
  const { t, tc } = useI18n();
  const option = useMemo(
    () =>
      trendOption(
        x.trend,
        {
          score: t('indexmap.score'),
          rank: t('indexmap.rank'),
          colorName: (c) => (c ? tc('indexmap.color', c) : t('indexmap.color.none')),
        },
        x.period,
      ),
    [x, t, tc],
  );
  return (
    <Suspense fallback={<Spin className="panel-spin" />}>
      <IndexChart
        option={option}
        height={height}
        testId="unit-trend"
        onPick={onPickPeriod ? (i) => x.trend[i] && onPickPeriod(x.trend[i].period) : undefined}
      />
    </Suspense>
  );
}

// Small pieces the index pages share: a band's tag, a change with its arrow, the five-color legend.
import type { IndexColor } from '../../api/safetyIndex';
import { useI18n } from '../../i18n';
import { COLOR_HEX, COLOR_TEXT, COLORS, formatChange, type LegendCounts, NO_COLOR_HEX } from './model';

export function ColorTag({ color, testId }: { color: IndexColor | null; testId?: string }) {
  const { t, tc } = useI18n();
  return (
    <span
      className="index-color-tag"
      data-color={color ?? 'none'}
      data-testid={testId}
      style={
        color
          ? { background: COLOR_HEX[color], color: COLOR_TEXT[color] }
          : { background: NO_COLOR_HEX, color: '#1f2d3d' }
      }
    >
      {color ? tc('indexmap.color', color) : t('indexmap.color.none')}
    </span>
  );
}

export function ChangeText({ change }: { change: number | null }) {
  const { t } = useI18n();
  const c = formatChange(change);
  const title =
    c.dir === 'up'
      ? t('indexmap.changeUp')
      : c.dir === 'down'
        ? t('indexmap.changeDown')
        : c.dir === 'flat'
          ? t('indexmap.changeFlat')
          : t('indexmap.changeNone');
  return (
    <span className={`index-change index-change-${c.dir}`} title={title}>
      {c.text}
    </span>
  );
}

/** The five bands with how many units are in each (and, when any, how many have no score). */
export function Legend({ counts, compact }: { counts: LegendCounts; compact?: boolean }) {
  const { t, tc } = useI18n();
  const bands = [...COLORS, ...(counts.none > 0 ? (['none'] as const) : [])];
  return (
    <ul className={`index-legend${compact ? ' index-legend-compact' : ''}`} data-testid="index-legend">
      {bands.map((c) => (
        <li key={c} data-color={c} data-count={counts[c]}>
          <span className="index-swatch" style={{ background: c === 'none' ? NO_COLOR_HEX : COLOR_HEX[c] }} />
          <span className="index-legend-name">
            {c === 'none' ? t('indexmap.color.none') : tc('indexmap.color', c)}
          </span>
          <span className="index-legend-count">{counts[c]}</span>
        </li>
      ))}
    </ul>
  );
}

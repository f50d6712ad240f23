// The five-color map: the units' own boundaries (no tile server, no glyph server) filled by their band,
// a tooltip on hover (name, score, rank, change), a click opens the unit page. Names are HTML markers
// (symbol layers need glyphs we do not serve), thinned so that no two overlap: the worst bands are
// named first.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { Empty, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { UnitFeatureCollection } from '../../api/types';
import { useI18n } from '../../i18n';
import { baseStyle, boundsOf, labelPoint } from '../units/mapData';
import { COLORS, colorHex, formatChange, formatScore, placeLabels, type Scored } from './model';

export interface IndexMapProps {
  /** The boundaries of the units in the index. */
  data: UnitFeatureCollection | undefined;
  /** The index's results by unit id. */
  items: ReadonlyMap<number, Scored>;
  /** How many units are ranked (the N of "rank r of N"). */
  of: number;
  loading: boolean;
  onPick: (unitId: number) => void;
  tileUrl?: string | undefined;
}

const SOURCE = 'index-units';
const EMPTY: UnitFeatureCollection = { type: 'FeatureCollection', features: [] };
/** Worst bands are labelled first (then the lowest ranks), so the names that matter survive thinning. */
const severity = (s: Scored | undefined) => (s?.color ? COLORS.indexOf(s.color) : -1);

interface Label {
  marker: maplibregl.Marker;
  el: HTMLDivElement;
  at: [number, number];
  w: number;
  h: number;
}

export default function IndexMap({ data, items, of, loading, onPick, tileUrl }: IndexMapProps) {
  const { t, tc } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const labels = useRef<Label[]>([]);
  const fitted = useRef<UnitFeatureCollection | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const live = useRef({ t, tc, items, of });
  live.current = { t, tc, items, of };
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  // create the map once
  // biome-ignore lint/correctness/useExhaustiveDependencies: the style's tile URL is fixed for the map's life
  useEffect(() => {
    if (!container.current) return;
    let map: maplibregl.Map;
    try {
      map = new maplibregl.Map({
        container: container.current,
        style: baseStyle(tileUrl),
        center: [120.6, 27.97],
        zoom: 10,
        attributionControl: false,
        dragRotate: false,
        pitchWithRotate: false,
      });
    } catch (e) {
      console.error('map unavailable', e);
      setFailed(true);
      return;
    }
    mapRef.current = map;
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    const popup = new maplibregl.Popup({
      closeButton: false,
      closeOnClick: false,
      className: 'index-popup',
      maxWidth: '260px',
    });
    let hovered: number | null = null;
    const setHover = (id: number | null) => {
      if (hovered !== null) map.setFeatureState({ source: SOURCE, id: hovered }, { hover: false });
      hovered = id;
      if (id !== null) map.setFeatureState({ source: SOURCE, id }, { hover: true });
    };

    map.on('load', () => {
      map.addSource(SOURCE, { type: 'geojson', data: EMPTY, promoteId: 'id' });
      map.addLayer({
        id: 'index-fill',
        type: 'fill',
        source: SOURCE,
        paint: {
          'fill-color': ['coalesce', ['get', 'fill'], '#c3cad4'],
          'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.95, 0.78],
        },
      });
      map.addLayer({
        id: 'index-line',
        type: 'line',
        source: SOURCE,
        paint: { 'line-color': '#ffffff', 'line-width': 1 },
      });
      map.addLayer({
        id: 'index-hover',
        type: 'line',
        source: SOURCE,
        paint: {
          'line-color': '#1f2d3d',
          'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 2.5, 0],
        },
      });
      setReady(true);
    });
    map.on('mousemove', 'index-fill', (e) => {
      const f = e.features?.[0];
      if (!f) return;
      const id = Number(f.properties.id);
      if (id !== hovered) setHover(id);
      map.getCanvas().style.cursor = 'pointer';
      popup
        .setLngLat(e.lngLat)
        .setDOMContent(tooltip(id, String(f.properties.name)))
        .addTo(map);
    });
    map.on('mouseleave', 'index-fill', () => {
      setHover(null);
      map.getCanvas().style.cursor = '';
      popup.remove();
    });
    map.on('click', 'index-fill', (e) => {
      const id = Number(e.features?.[0]?.properties.id);
      popup.remove();
      if (Number.isFinite(id)) pick.current(id);
    });
    map.on('move', () => thin(map, labels.current));

    const resize = new ResizeObserver(() => map.resize());
    resize.observe(container.current);
    return () => {
      resize.disconnect();
      map.remove();
      mapRef.current = null;
      labels.current = [];
      fitted.current = null;
      setReady(false);
    };
  }, []);

  /** The hover card: name, score, rank of N, change, band — built as DOM (no HTML strings). */
  function tooltip(id: number, fallbackName: string): HTMLElement {
    const { t: tr, tc: tcr, items: byId, of: n } = live.current;
    const s = byId.get(id);
    const el = document.createElement('div');
    el.className = 'index-popup-body';
    el.dataset.unitId = String(id);
    const head = document.createElement('div');
    head.className = 'index-popup-head';
    const dot = document.createElement('span');
    dot.className = 'index-dot';
    dot.style.background = colorHex(s?.color);
    const name = document.createElement('strong');
    name.textContent = s?.name ?? fallbackName;
    head.append(dot, name);
    const rows = document.createElement('div');
    rows.className = 'index-popup-rows';
    const line = (label: string, value: string, cls?: string) => {
      const row = document.createElement('div');
      const k = document.createElement('span');
      k.className = 'index-popup-key';
      k.textContent = label;
      const v = document.createElement('span');
      v.textContent = value;
      if (cls) v.className = cls;
      row.append(k, v);
      rows.append(row);
    };
    if (!s) {
      line(tr('indexmap.score'), '—');
    } else {
      const change = formatChange(s.change);
      line(tr('indexmap.score'), formatScore(s.score));
      line(tr('indexmap.rank'), s.rank === null ? '—' : tr('indexmap.rankOf', { rank: s.rank, of: n }));
      line(tr('indexmap.change'), change.text, `index-change-${change.dir}`);
      line(tr('indexmap.band'), s.color ? tcr('indexmap.color', s.color) : tr('indexmap.color.none'));
    }
    el.append(head, rows);
    return el;
  }

  // show the data: fill the source with each unit's band, fit the view, place the labels
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const fc = data ?? EMPTY;
    const filled = {
      type: 'FeatureCollection' as const,
      features: fc.features.map((f) => ({
        ...f,
        properties: { ...f.properties, fill: colorHex(items.get(f.properties.id)?.color) },
      })),
    };
    (map.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(filled as never);
    // fit the view to new boundaries only: another month keeps the reader's zoom
    if (fitted.current !== fc) {
      fitted.current = fc;
      const b = boundsOf(fc.features);
      if (b) map.fitBounds(b, { padding: 24, duration: 0, maxZoom: 16 });
    }
    for (const l of labels.current) l.marker.remove();
    labels.current = [];
    const ordered = [...fc.features].sort((a, b2) => {
      const sa = items.get(a.properties.id);
      const sb = items.get(b2.properties.id);
      return severity(sb) - severity(sa) || (sb?.rank ?? 0) - (sa?.rank ?? 0);
    });
    for (const f of ordered) {
      const at = labelPoint(f);
      if (!at) continue;
      const el = document.createElement('div');
      el.className = 'index-label';
      el.textContent = f.properties.name;
      el.dataset.unitId = String(f.properties.id);
      const marker = new maplibregl.Marker({ element: el }).setLngLat(at).addTo(map);
      labels.current.push({ marker, el, at, w: 0, h: 0 });
    }
    // measure once, after the browser laid the labels out
    for (const l of labels.current) {
      l.w = l.el.offsetWidth;
      l.h = l.el.offsetHeight;
    }
    thin(map, labels.current);
  }, [data, items, ready]);

  const count = data?.features.length ?? 0;
  const colors = new Set(
    (data?.features ?? []).map((f) => items.get(f.properties.id)?.color).filter((c) => !!c),
  ).size;
  return (
    <div
      className="index-map"
      data-testid="index-map"
      data-feature-count={count}
      data-color-count={colors}
      data-ready={ready && !loading}
    >
      <div ref={container} className="index-map-canvas" />
      {failed && <div className="index-map-overlay">{t('indexmap.mapUnavailable')}</div>}
      {!failed && !loading && data && count === 0 && (
        <div className="index-map-overlay">
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indexmap.noBoundaries')} />
        </div>
      )}
      {(loading || (!ready && !failed)) && (
        <div className="index-map-overlay index-map-loading">
          <Spin />
        </div>
      )}
    </div>
  );
}

/** Shows the labels that fit without overlapping, in the order they were placed. */
function thin(map: maplibregl.Map, labels: readonly Label[]) {
  const boxes = labels.map((l) => {
    const p = map.project(l.at);
    return { x: p.x - l.w / 2, y: p.y - l.h / 2, width: l.w, height: l.h };
  });
  const keep = placeLabels(boxes, 4);
  labels.forEach((l, i) => {
    l.el.style.visibility = keep.has(i) ? 'visible' : 'hidden';
  });
}

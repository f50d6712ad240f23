// Events on the map: the area's unit boundaries (the platform's GeoJSON, no tile server) under one
// dot per event, coloured by state and ringed in red when overdue. Clicking a dot picks the event.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { Empty, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { EventState } from '../../api/events';
import type { UnitFeatureCollection } from '../../api/types';
import { useI18n } from '../../i18n';
import { baseStyle, boundsOf, labelPoint, withFills } from '../units/mapData';
import { STATE_COLORS } from './model';

export interface MapPoint {
  id: number;
  lng: number;
  lat: number;
  state: EventState;
  overdue: boolean;
  /** Shown on hover: tracking number and category, say. */
  label: string;
}

export interface EventMapProps {
  points: readonly MapPoint[];
  boundaries: UnitFeatureCollection | undefined;
  loading: boolean;
  selectedId: number | null;
  onPick: (id: number) => void;
  tileUrl?: string | undefined;
  /** Shown at the top left, e.g. how many events the map holds. */
  caption?: string | undefined;
  testId?: string;
}

const AREA = 'area';
const EVENTS = 'events';
const EMPTY_FC = { type: 'FeatureCollection' as const, features: [] };
const MAX_AREA_LABELS = 40;

const stateColor: maplibregl.ExpressionSpecification = [
  'match',
  ['get', 'state'],
  ...Object.entries(STATE_COLORS).flatMap(([s, c]) => [s, c.hex]),
  '#8c8c8c',
] as unknown as maplibregl.ExpressionSpecification;

function pointsFc(points: readonly MapPoint[]) {
  return {
    type: 'FeatureCollection' as const,
    features: points.map((p) => ({
      type: 'Feature' as const,
      id: p.id,
      geometry: { type: 'Point' as const, coordinates: [p.lng, p.lat] },
      properties: { id: p.id, state: p.state, overdue: p.overdue, label: p.label },
    })),
  };
}

type Bounds = [number, number, number, number];

function pointBounds(points: readonly MapPoint[]): Bounds | null {
  if (points.length === 0) return null;
  const b: Bounds = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    b[0] = Math.min(b[0], p.lng);
    b[1] = Math.min(b[1], p.lat);
    b[2] = Math.max(b[2], p.lng);
    b[3] = Math.max(b[3], p.lat);
  }
  return b;
}

function unionBounds(a: Bounds | null, b: Bounds | null): Bounds | null {
  if (!a || !b) return a ?? b;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

export default function EventMap(props: EventMapProps) {
  const { points, boundaries, loading, selectedId, onPick, tileUrl, caption, testId = 'event-map' } = props;
  const { t, tc } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  // the map once its style has loaded (a remount by hot reload keeps `ready` but makes a new map)
  const mapRef = useRef<maplibregl.Map | null>(null);
  const labels = useRef<maplibregl.Marker[]>([]);
  const fitted = useRef('');
  const pick = useRef(onPick);
  pick.current = onPick;
  const tr = useRef({ t, tc });
  tr.current = { t, tc };
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

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
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: 'unit-popup' });

    map.on('load', () => {
      map.addSource(AREA, { type: 'geojson', data: EMPTY_FC });
      map.addSource(EVENTS, { type: 'geojson', data: EMPTY_FC });
      map.addLayer({
        id: 'area-fill',
        type: 'fill',
        source: AREA,
        paint: { 'fill-color': ['coalesce', ['get', 'fill'], '#8fb8de'], 'fill-opacity': 0.3 },
      });
      map.addLayer({
        id: 'area-line',
        type: 'line',
        source: AREA,
        paint: { 'line-color': '#6b819c', 'line-width': 1 },
      });
      map.addLayer({
        id: 'event-selected',
        type: 'circle',
        source: EVENTS,
        filter: ['==', ['get', 'id'], -1],
        paint: {
          'circle-radius': 13,
          'circle-color': 'rgba(250, 173, 20, 0.35)',
          'circle-stroke-width': 2,
          'circle-stroke-color': '#d48806',
        },
      });
      map.addLayer({
        id: 'event-point',
        type: 'circle',
        source: EVENTS,
        paint: {
          'circle-radius': 6,
          'circle-color': stateColor,
          'circle-stroke-width': ['case', ['boolean', ['get', 'overdue'], false], 2.5, 1.2],
          'circle-stroke-color': ['case', ['boolean', ['get', 'overdue'], false], '#cf1322', '#ffffff'],
        },
      });
      mapRef.current = map;
      setReady(true);
    });
    map.on('mousemove', 'event-point', (e) => {
      const f = e.features?.[0];
      if (!f) return;
      map.getCanvas().style.cursor = 'pointer';
      const el = document.createElement('div');
      const name = document.createElement('strong');
      name.textContent = String(f.properties.label);
      const sub = document.createElement('div');
      sub.className = 'unit-popup-sub';
      sub.textContent = tr.current.tc('events.state', String(f.properties.state));
      el.append(name, sub);
      popup.setLngLat(e.lngLat).setDOMContent(el).addTo(map);
    });
    map.on('mouseleave', 'event-point', () => {
      map.getCanvas().style.cursor = '';
      popup.remove();
    });
    map.on('click', 'event-point', (e) => {
      const id = Number(e.features?.[0]?.properties.id);
      popup.remove();
      if (Number.isFinite(id)) pick.current(id);
    });
    const resize = new ResizeObserver(() => map.resize());
    resize.observe(container.current);
    return () => {
      resize.disconnect();
      map.remove();
      mapRef.current = null;
      fitted.current = '';
      setReady(false);
    };
  }, []);

  // the area: boundaries with their names
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const fc = boundaries ?? EMPTY_FC;
    (map.getSource(AREA) as maplibregl.GeoJSONSource | undefined)?.setData(
      boundaries ? (withFills(boundaries) as never) : EMPTY_FC,
    );
    for (const m of labels.current) m.remove();
    labels.current = [];
    if (!boundaries || fc.features.length > MAX_AREA_LABELS) return;
    for (const f of boundaries.features) {
      const at = labelPoint(f);
      if (!at) continue;
      const el = document.createElement('div');
      el.className = 'event-map-area-label';
      el.textContent = f.properties.name;
      labels.current.push(new maplibregl.Marker({ element: el }).setLngLat(at).addTo(map));
    }
  }, [boundaries, ready]);

  // the events, and a view that holds them (or the area when there are none)
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource(EVENTS) as maplibregl.GeoJSONSource | undefined)?.setData(pointsFc(points) as never);
    // the whole area with every event in it; refitted only when that changes, so a refresh of the
    // list does not undo the user's own zooming
    const b = unionBounds(boundaries ? boundsOf(boundaries.features) : null, pointBounds(points));
    const key = b?.map((x) => x.toFixed(5)).join(',') ?? '';
    if (b && key !== fitted.current) {
      fitted.current = key;
      map.fitBounds(b, { padding: 32, duration: 0, maxZoom: 15 });
    }
  }, [points, boundaries, ready]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the selection, not every refresh of the points
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    map.setFilter('event-selected', ['==', ['get', 'id'], selectedId ?? -1]);
    // bring the picked event into view when it lies outside it
    const p = points.find((x) => x.id === selectedId);
    if (p && !map.getBounds().contains([p.lng, p.lat])) map.easeTo({ center: [p.lng, p.lat], duration: 300 });
  }, [selectedId, ready]);

  const present = [...new Set(points.map((p) => p.state))];
  return (
    <div className="event-map" data-testid={testId} data-point-count={points.length} data-ready={ready}>
      <div ref={container} className="unit-map-canvas" />
      {failed && <div className="unit-map-overlay">{t('units.mapUnavailable')}</div>}
      {!failed && !loading && ready && points.length === 0 && (
        <div className="unit-map-overlay">
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('events.map.empty')} />
        </div>
      )}
      {(loading || (!ready && !failed)) && (
        <div className="unit-map-overlay unit-map-loading">
          <Spin />
        </div>
      )}
      {caption && <div className="unit-map-caption">{caption}</div>}
      {present.length > 0 && (
        <div className="event-map-legend" data-testid="event-map-legend">
          {present.map((s) => (
            <span key={s} className="event-map-legend-item">
              <i style={{ background: STATE_COLORS[s].hex }} />
              {tc('events.state', s)}
            </span>
          ))}
          {points.some((p) => p.overdue) && (
            <span className="event-map-legend-item">
              <i className="event-map-legend-overdue" />
              {t('events.detail.overdue')}
            </span>
          )}
        </div>
      )}
      <div className="unit-map-note">{t('units.mapNote')}</div>
    </div>
  );
}

// The units map: the platform's own GeoJSON on a plain background (no tile server, no glyph server).
// Names are HTML markers, not symbol layers, because symbol layers need glyphs we do not serve.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { Empty, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { UnitFeatureCollection } from '../../api/types';
import { useI18n } from '../../i18n';
import { baseStyle, boundsOf, labelPoint, MAX_LABELS, withFills } from './mapData';

export interface UnitMapProps {
  data: UnitFeatureCollection | undefined;
  loading: boolean;
  /** A unit outlined on the map (the selected one, when the map shows it among its siblings). */
  highlightId: number | null;
  onPick: (id: number) => void;
  tileUrl?: string;
}

const SOURCE = 'units';
const EMPTY: UnitFeatureCollection = { type: 'FeatureCollection', features: [] };

export default function UnitMap({ data, loading, highlightId, onPick, tileUrl }: UnitMapProps) {
  const { t, tc } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const markers = useRef<maplibregl.Marker[]>([]);
  const pick = useRef(onPick);
  pick.current = onPick;
  const tr = useRef({ t, tc });
  tr.current = { t, tc };
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
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: 'unit-popup' });
    let hovered: number | null = null;
    const setHover = (id: number | null) => {
      if (hovered !== null) map.setFeatureState({ source: SOURCE, id: hovered }, { hover: false });
      hovered = id;
      if (id !== null) map.setFeatureState({ source: SOURCE, id }, { hover: true });
    };

    map.on('load', () => {
      map.addSource(SOURCE, { type: 'geojson', data: EMPTY, promoteId: 'id' });
      map.addLayer({
        id: 'unit-fill',
        type: 'fill',
        source: SOURCE,
        paint: {
          'fill-color': ['coalesce', ['get', 'fill'], '#8fb8de'],
          'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.85, 0.55],
        },
      });
      map.addLayer({
        id: 'unit-line',
        type: 'line',
        source: SOURCE,
        paint: { 'line-color': '#4a6484', 'line-width': 1.2 },
      });
      map.addLayer({
        id: 'unit-highlight',
        type: 'line',
        source: SOURCE,
        filter: ['==', ['get', 'id'], -1],
        paint: { 'line-color': '#c8401a', 'line-width': 3 },
      });
      setReady(true);
    });
    map.on('mousemove', 'unit-fill', (e) => {
      const f = e.features?.[0];
      if (!f) return;
      const id = Number(f.properties.id);
      if (id !== hovered) setHover(id);
      map.getCanvas().style.cursor = 'pointer';
      const el = document.createElement('div');
      const name = document.createElement('strong');
      name.textContent = String(f.properties.name);
      const sub = document.createElement('div');
      sub.className = 'unit-popup-sub';
      sub.textContent = `${tr.current.tc('level', String(f.properties.level))} · ${f.properties.code}`;
      el.append(name, sub);
      popup.setLngLat(e.lngLat).setDOMContent(el).addTo(map);
    });
    map.on('mouseleave', 'unit-fill', () => {
      setHover(null);
      map.getCanvas().style.cursor = '';
      popup.remove();
    });
    map.on('click', 'unit-fill', (e) => {
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
      setReady(false);
    };
  }, []);

  // show the data: fill the source, fit the view, place the labels
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const fc = data ?? EMPTY;
    (map.getSource(SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(withFills(fc) as never);
    const b = boundsOf(fc.features);
    if (b) map.fitBounds(b, { padding: 36, duration: 0, maxZoom: 17 });
    for (const m of markers.current) m.remove();
    markers.current = [];
    if (fc.features.length > MAX_LABELS) return;
    for (const f of fc.features) {
      const at = labelPoint(f);
      if (!at) continue;
      const el = document.createElement('div');
      el.className = 'unit-label';
      el.textContent = f.properties.name;
      el.dataset.unitId = String(f.properties.id);
      markers.current.push(new maplibregl.Marker({ element: el }).setLngLat(at).addTo(map));
    }
  }, [data, ready]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    map.setFilter('unit-highlight', ['==', ['get', 'id'], highlightId ?? -1]);
  }, [highlightId, ready]);

  const count = data?.features.length ?? 0;
  return (
    <div className="unit-map" data-testid="unit-map" data-feature-count={count} data-ready={ready}>
      <div ref={container} className="unit-map-canvas" />
      {failed && <div className="unit-map-overlay">{t('units.mapUnavailable')}</div>}
      {!failed && !loading && data && count === 0 && (
        <div className="unit-map-overlay">
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('units.mapEmpty')} />
        </div>
      )}
      {(loading || (!ready && !failed)) && (
        <div className="unit-map-overlay unit-map-loading">
          <Spin />
        </div>
      )}
      <div className="unit-map-note" data-testid="map-note">
        {t('units.mapNote')}
      </div>
    </div>
  );
}

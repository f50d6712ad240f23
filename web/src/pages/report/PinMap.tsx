// A map to place the report by hand when neither the device nor a photo knows where it is. Like the units
// map it needs no tile server: a plain ground, the towns' boundaries when the viewer may read them, and the
// deployment's raster tiles when it has some. Tap to place the pin, drag to move it.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import { systemApi, unitsApi } from '../../api/endpoints';
import type { UnitFeatureCollection } from '../../api/types';
import { useI18n } from '../../i18n';
import { baseStyle, boundsOf, labelPoint } from '../units/mapData';
import type { LngLat } from './taps';

/** Roughly the middle of the demo district (Ouhai), where the map opens when nothing is known. */
const DEFAULT_CENTER: [number, number] = [120.64, 27.97];

export default function PinMap({
  start,
  value,
  onChange,
  withBoundaries,
}: {
  start: LngLat | null;
  value: LngLat | null;
  onChange: (p: LngLat) => void;
  withBoundaries: boolean;
}) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const marker = useRef<maplibregl.Marker | null>(null);
  const change = useRef(onChange);
  change.current = onChange;
  const [failed, setFailed] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is made once per opening of the sheet
  useEffect(() => {
    if (!container.current) return;
    const el = container.current;
    let map: maplibregl.Map | null = null;
    let disposed = false;
    const place = (p: LngLat) => {
      if (!map) return;
      if (!marker.current) {
        marker.current = new maplibregl.Marker({ color: '#c8401a', draggable: true }).setLngLat(p).addTo(map);
        marker.current.on('dragend', () => {
          const ll = marker.current?.getLngLat();
          if (ll) change.current({ lng: ll.lng, lat: ll.lat });
        });
      } else marker.current.setLngLat(p);
    };
    (async () => {
      const tileUrl = await systemApi
        .clientConfig()
        .then((c) => c.tileUrl ?? undefined)
        .catch(() => undefined);
      if (disposed) return;
      const at = value ?? start;
      try {
        map = new maplibregl.Map({
          container: el,
          style: baseStyle(tileUrl),
          center: at ? [at.lng, at.lat] : DEFAULT_CENTER,
          zoom: at ? 15 : 11,
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
      if (at) place(at);
      map.on('click', (e) => {
        const p = { lng: e.lngLat.lng, lat: e.lngLat.lat };
        place(p);
        change.current(p);
      });
      if (!withBoundaries) return;
      const fc: UnitFeatureCollection | null = await unitsApi.geojson({ level: 'town' }).catch(() => null);
      if (disposed || !fc || !map) return;
      const m = map;
      const show = () => {
        m.addSource('towns', { type: 'geojson', data: fc as never });
        m.addLayer({
          id: 'town-fill',
          type: 'fill',
          source: 'towns',
          paint: { 'fill-color': '#8fb8de', 'fill-opacity': 0.35 },
        });
        m.addLayer({
          id: 'town-line',
          type: 'line',
          source: 'towns',
          paint: { 'line-color': '#4a6484', 'line-width': 1 },
        });
        for (const f of fc.features) {
          const p = labelPoint(f);
          if (!p) continue;
          const label = document.createElement('div');
          label.className = 'unit-label';
          label.textContent = f.properties.name;
          new maplibregl.Marker({ element: label }).setLngLat(p).addTo(m);
        }
        const b = boundsOf(fc.features);
        if (b && !at) m.fitBounds(b, { padding: 16, duration: 0 });
      };
      if (m.loaded()) show();
      else m.once('load', show);
    })();
    return () => {
      disposed = true;
      marker.current = null;
      map?.remove();
    };
  }, []);

  return (
    <div className="report-pin-map" data-testid="pin-map">
      <div ref={container} className="report-pin-canvas" />
      {failed && <div className="unit-map-overlay">{t('units.mapUnavailable')}</div>}
      <div className="report-pin-hint">{t('report.location.tapToPin')}</div>
    </div>
  );
}

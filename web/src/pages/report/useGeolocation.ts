// The device's position, asked for once when the page opens (standard navigator.geolocation only, so it
// works in WeChat's web view too). A refusal or a timeout is a state to show, never an error.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LngLat } from './taps';

export type GeoStatus = 'locating' | 'ok' | 'denied' | 'unavailable';

export interface Geo {
  status: GeoStatus;
  position: LngLat | null;
  /** Metres, as the device reports it. */
  accuracy: number | null;
  retry: () => void;
}

export function useGeolocation(): Geo {
  const [state, setState] = useState<Omit<Geo, 'retry'>>({
    status: 'locating',
    position: null,
    accuracy: null,
  });
  const live = useRef(true);

  const locate = useCallback(() => {
    if (!('geolocation' in navigator)) {
      setState({ status: 'unavailable', position: null, accuracy: null });
      return;
    }
    setState((s) => ({ ...s, status: s.position ? s.status : 'locating' }));
    navigator.geolocation.getCurrentPosition(
      (p) => {
        if (!live.current) return;
        setState({
          status: 'ok',
          position: { lng: p.coords.longitude, lat: p.coords.latitude },
          accuracy: Number.isFinite(p.coords.accuracy) ? Math.round(p.coords.accuracy) : null,
        });
      },
      (e) => {
        if (!live.current) return;
        setState((s) =>
          s.position
            ? s
            : {
                status: e.code === e.PERMISSION_DENIED ? 'denied' : 'unavailable',
                position: null,
                accuracy: null,
              },
        );
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }, []);

  useEffect(() => {
    live.current = true;
    locate();
    return () => {
      live.current = false;
    };
  }, [locate]);

  return { ...state, retry: locate };
}

// The record a drawer shows: loaded when its id is set (and again on reload), kept on screen while the
// drawer slides shut, cleared when another one opens; a 404 or 403 is "gone", not an error to toast.
import { useCallback, useEffect, useState } from 'react';
import { isApiError } from '../api/client';
import { useAsync } from './useAsync';

const gone = (e: unknown) => isApiError(e, 404) || isApiError(e, 403);

export function useDrawerRecord<T>(id: number | null, load: (id: number, signal: AbortSignal) => Promise<T>) {
  const [tick, setTick] = useState(0);
  const loaded = useAsync(id === null ? null : (signal) => load(id, signal), [id, tick], { expected: gone });
  const [record, setRecord] = useState<T | null>(null);
  useEffect(() => {
    if (id !== null) setRecord(null);
  }, [id]);
  useEffect(() => {
    if (loaded.data) setRecord(loaded.data);
  }, [loaded.data]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  /** `tick` counts the reloads: what depends on the record loads again with it. */
  return { record, setRecord, gone: gone(loaded.error), reload, tick };
}

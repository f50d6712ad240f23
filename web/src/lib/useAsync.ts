// Loads data for a component: aborts the previous request when the inputs change, reports failures
// once in the user's language, and leaves the decision about expected failures (a 403) to the caller.
import { App } from 'antd';
import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { isApiError } from '../api/client';
import { useI18n } from '../i18n';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Shows an error to the user, except a 401 (the auth provider already sends them to log in) or an abort. */
export function useErrorToast(): (e: unknown) => void {
  const { message } = App.useApp();
  const { errorText } = useI18n();
  return useCallback(
    (e: unknown) => {
      if (isAbort(e) || isApiError(e, 401)) return;
      void message.error(errorText(e));
    },
    [message, errorText],
  );
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

export function useAsync<T>(
  load: ((signal: AbortSignal) => Promise<T>) | null,
  deps: DependencyList,
  opts: { expected?: (e: unknown) => boolean } = {},
): AsyncState<T> {
  const toast = useErrorToast();
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: load !== null,
  });
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on
  useEffect(() => {
    if (!load) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    const ctl = new AbortController();
    setState((s) => ({ ...s, error: undefined, loading: true }));
    load(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (ctl.signal.aborted || isAbort(error)) return;
        setState({ data: undefined, error, loading: false });
        if (!opts.expected?.(error)) toast(error);
      },
    );
    return () => ctl.abort();
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

// The one live connection of a staff session: an EventSource on the notifications stream, opened while
// the console's shell is shown to a staff account and closed on logout or unmount. Components listen
// through the context: the bell takes `notification` and `reset`, pages take `feed` entries of the kinds
// they show (useLiveFeed). EventSource reconnects and resumes (Last-Event-ID) by itself; when the server
// refuses it (a 429, a restart in between), a new one is opened after a growing pause, resuming from
// the last event id seen.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { buildUrl } from '../api/client';
import { type FeedEntry, STREAM_URL } from '../api/notifications';
import { kindMatches, type LiveMessage, readLiveMessage } from './model';

type Listener = (message: LiveMessage) => void;

interface Live {
  /** The stream is open and live (after its `ready`). */
  connected: boolean;
  subscribe: (listener: Listener) => () => void;
}

const LiveContext = createContext<Live | null>(null);

const EVENTS = ['ready', 'notification', 'feed', 'reset'] as const;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;

export function LiveProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let lastEventId = '';
    const emit = (m: LiveMessage) => {
      for (const l of listeners.current) l(m);
    };
    const open = () => {
      const es = new EventSource(buildUrl(STREAM_URL, { lastEventId }));
      source = es;
      for (const name of EVENTS) {
        es.addEventListener(name, (e: MessageEvent<string>) => {
          if (e.lastEventId) lastEventId = e.lastEventId;
          const m = readLiveMessage(name, e.data);
          if (!m) return;
          if (m.type === 'ready') {
            failures = 0;
            setConnected(true);
          }
          emit(m);
        });
      }
      es.onerror = () => {
        setConnected(false);
        if (es.readyState !== EventSource.CLOSED) return; // reconnecting by itself
        es.close();
        source = null;
        retry = setTimeout(open, Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_RETRY_MS));
        failures += 1;
      };
    };
    open();
    return () => {
      clearTimeout(retry);
      source?.close();
      setConnected(false);
    };
  }, [enabled]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<Live>(() => ({ connected, subscribe }), [connected, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** Calls `listener` with every message of the stream; returns whether the stream is live. */
export function useLiveMessages(listener: Listener): boolean {
  const live = useContext(LiveContext);
  const latest = useRef(listener);
  useLayoutEffect(() => {
    latest.current = listener;
  });
  const subscribe = live?.subscribe;
  useEffect(() => subscribe?.((m) => latest.current(m)), [subscribe]);
  return live?.connected ?? false;
}

/**
 * Calls `onEntry` with each live-feed entry whose kind is among `kinds` ('events.*' or an exact
 * kind), and with null when the stream missed too much (what the page shows may be stale). Returns
 * whether the stream is live: while it is not, the page has to look for changes itself.
 */
export function useLiveFeed(kinds: readonly string[], onEntry: (entry: FeedEntry | null) => void): boolean {
  return useLiveMessages((m) => {
    if (m.type === 'feed' && kindMatches(kinds, m.entry.kind)) onEntry(m.entry);
    else if (m.type === 'reset') onEntry(null);
  });
}

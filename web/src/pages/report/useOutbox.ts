// The page's side of the outbox: one queue per page, retried on a timer (the pauses of outbox.ts), when the
// browser comes back online, when the page becomes visible again, and once when it opens.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type CreatedEvent, eventsApi } from '../../api/events';
import { addFollowed } from './follow';
import { nextDue, Outbox, type OutboxEntry, type SendResult } from './outbox';
import { openOutboxStore } from './outboxStore';

export interface OutboxView {
  entries: OutboxEntry[];
  /** Entries still to send. */
  waiting: number;
  /** Entries the server refused, kept to show. */
  failed: OutboxEntry[];
  /** Keeps the report, then tries it at once; undefined if the outbox is not open yet. */
  submit: (entry: OutboxEntry) => Promise<SendResult | undefined>;
  discard: (key: string) => Promise<void>;
  retryNow: () => void;
}

/** Remembers what the server gave a reporter without an account (the follow token). */
export function rememberCreated(e: CreatedEvent): void {
  if (e.followToken)
    addFollowed({ id: e.id, trackingNo: e.trackingNo, token: e.followToken, at: Date.now() });
}

export interface BackgroundOutcomes {
  /** A report sent by a retry (not the submit the user is waiting on). */
  sent: (e: CreatedEvent) => void;
  /** A report the server refused on a retry: it stays in "my reports" with the reason. */
  refused: (e: OutboxEntry) => void;
}

export function useOutbox(background: BackgroundOutcomes): OutboxView {
  const [entries, setEntries] = useState<OutboxEntry[]>([]);
  const outbox = useRef<Promise<Outbox> | null>(null);
  const foreground = useRef(new Set<string>());
  const notify = useRef(background);
  notify.current = background;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(async () => {
    const ob = await outbox.current;
    if (!ob) return;
    const all = await ob.entries();
    setEntries(all.sort((a, b) => a.createdAt - b.createdAt));
    clearTimeout(timer.current);
    const due = nextDue(all);
    if (due !== null) {
      timer.current = setTimeout(
        () => {
          void ob.flush().then(refresh);
        },
        Math.max(250, due - Date.now()),
      );
    }
  }, []);

  useEffect(() => {
    const opening = openOutboxStore().then(
      (store) =>
        new Outbox(
          {
            store,
            upload: (files) =>
              eventsApi.upload(files.map((f) => new File([f.blob], f.name, { type: f.type }))),
            create: (body, key) => eventsApi.create(body, key),
            now: Date.now,
          },
          (r) => {
            if (r.kind === 'sent') rememberCreated(r.event);
            if (foreground.current.has(r.key)) return;
            if (r.kind === 'sent') notify.current.sent(r.event);
            if (r.kind === 'failed') notify.current.refused(r.entry);
          },
        ),
    );
    outbox.current = opening;
    const flushAll = () => {
      void opening.then((ob) => ob.flush(true)).then(refresh);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') flushAll();
    };
    flushAll(); // reports left from the last visit
    window.addEventListener('online', flushAll);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('online', flushAll);
      document.removeEventListener('visibilitychange', onVisible);
      clearTimeout(timer.current);
    };
  }, [refresh]);

  const submit = useCallback(
    async (entry: OutboxEntry) => {
      const ob = await outbox.current;
      if (!ob) return undefined;
      foreground.current.add(entry.key);
      try {
        await ob.add(entry);
        return await ob.send(entry.key);
      } finally {
        foreground.current.delete(entry.key);
        await refresh();
      }
    },
    [refresh],
  );

  const discard = useCallback(
    async (key: string) => {
      await (await outbox.current)?.discard(key);
      await refresh();
    },
    [refresh],
  );

  const retryNow = useCallback(() => {
    void outbox.current?.then((ob) => ob.flush(true)).then(refresh);
  }, [refresh]);

  return useMemo(
    () => ({
      entries,
      waiting: entries.filter((e) => !e.failed).length,
      failed: entries.filter((e) => e.failed),
      submit,
      discard,
      retryNow,
    }),
    [entries, submit, discard, retryNow],
  );
}

// The outbox of reports (pure: storage, uploads, the clock and randomness are passed in).
// Every report gets its idempotency key once, when it is first submitted, and keeps it for every retry,
// so however often a weak network makes us send it again the server files it once. A report waits here
// until the server has answered with its tracking number; a refusal (a 4xx other than 408 and 429) is
// kept to show the user and never retried; everything else (no network, 5xx, timeouts) is retried with
// growing pauses, at once when the browser comes back online, and on the next page open.
import { ApiError } from '../../api/client';
import type { CreatedEvent, CreateEventInput, Media } from '../../api/events';

/** A photo or video not uploaded yet, kept as a Blob until it is. */
export interface PendingFile {
  name: string;
  type: string;
  blob: Blob;
}

export interface OutboxEntry {
  /** The Idempotency-Key: made once, sent with every attempt. */
  key: string;
  createdAt: number;
  /** The report without its uploads (they are in mediaIds and files). */
  body: Omit<CreateEventInput, 'mediaIds'>;
  /** Uploads already on the server. */
  mediaIds: number[];
  /** Uploads still to do before the report can be sent. */
  files: PendingFile[];
  attempts: number;
  /** Not before this time (ms since the epoch). */
  nextAt: number;
  /** The server refused it: shown to the user, not retried. */
  failed: { status: number; code: string; detail?: string } | null;
}

export interface OutboxStore {
  all(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface OutboxDeps {
  store: OutboxStore;
  upload: (files: readonly PendingFile[]) => Promise<{ items: Pick<Media, 'id'>[] }>;
  create: (body: CreateEventInput, idempotencyKey: string) => Promise<CreatedEvent>;
  now: () => number;
  /** 0 ≤ x < 1, for the jitter of the pauses. */
  random?: () => number;
}

export type SendResult =
  | { kind: 'sent'; key: string; event: CreatedEvent }
  | { kind: 'waiting'; key: string; entry: OutboxEntry; error: unknown }
  | { kind: 'failed'; key: string; entry: OutboxEntry; error: ApiError };

export const FIRST_PAUSE_MS = 2_000;
export const LONGEST_PAUSE_MS = 5 * 60_000;

/** Whether a failed attempt is worth repeating: no answer, a timeout, too many requests, a server error. */
export function isRetryable(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true; // the network or the storage failed before any answer
  return e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500;
}

/** The pause before attempt `attempts + 1`: doubling from 2 s up to 5 min, ±20 % so devices spread out. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A random UUID, also where crypto.randomUUID is missing (pages served over plain http). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function newEntry(
  body: Omit<CreateEventInput, 'mediaIds'>,
  mediaIds: readonly number[],
  files: readonly PendingFile[],
  now: number,
  key: string = newKey(),
): OutboxEntry {
  return {
    key,
    createdAt: now,
    body,
    mediaIds: [...mediaIds],
    files: [...files],
    attempts: 0,
    nextAt: now,
    failed: null,
  };
}

/** Entries still to send (not refused), oldest first. */
export function waitingEntries(entries: readonly OutboxEntry[]): OutboxEntry[] {
  return entries.filter((e) => !e.failed).sort((a, b) => a.createdAt - b.createdAt);
}

/** When the next waiting entry is due, or null when none waits. */
export function nextDue(entries: readonly OutboxEntry[]): number | null {
  const due = waitingEntries(entries).map((e) => e.nextAt);
  return due.length ? Math.min(...due) : null;
}

function problemOf(e: ApiError): NonNullable<OutboxEntry['failed']> {
  return e.detail ? { status: e.status, code: e.code, detail: e.detail } : { status: e.status, code: e.code };
}

/**
 * One attempt at one entry: upload what is not uploaded yet (and remember the ids at once, so a later
 * failure does not upload twice), then file the report with the entry's own key. The store always
 * holds the entry's latest state when this returns.
 */
export async function sendEntry(entry: OutboxEntry, deps: OutboxDeps): Promise<SendResult> {
  let current: OutboxEntry = { ...entry, attempts: entry.attempts + 1 };
  try {
    if (current.files.length > 0) {
      const { items } = await deps.upload(current.files);
      current = { ...current, mediaIds: [...current.mediaIds, ...items.map((m) => m.id)], files: [] };
      await deps.store.put(current);
    }
    const event = await deps.create({ ...current.body, mediaIds: current.mediaIds }, current.key);
    await deps.store.remove(current.key);
    return { kind: 'sent', key: current.key, event };
  } catch (error) {
    if (!isRetryable(error) && error instanceof ApiError) {
      current = { ...current, failed: problemOf(error) };
      await deps.store.put(current);
      return { kind: 'failed', key: current.key, entry: current, error };
    }
    current = { ...current, nextAt: deps.now() + backoffMs(current.attempts, deps.random) };
    await deps.store.put(current);
    return { kind: 'waiting', key: current.key, entry: current, error };
  }
}

/**
 * The queue: sends due entries one at a time, never the same entry twice at once (a report being sent
 * right after its submit is skipped by a background flush), and tells a listener about every outcome.
 */
export class Outbox {
  private readonly inFlight = new Set<string>();
  private running: Promise<void> | null = null;
  private again = false;
  private forceAgain = false;

  constructor(
    private readonly deps: OutboxDeps,
    private readonly listener: (r: SendResult) => void = () => {},
  ) {}

  entries(): Promise<OutboxEntry[]> {
    return this.deps.store.all();
  }

  /** Keeps a new report (before the first attempt, so closing the page cannot lose it). */
  add(entry: OutboxEntry): Promise<void> {
    return this.deps.store.put(entry);
  }

  async discard(key: string): Promise<void> {
    await this.deps.store.remove(key);
  }

  /** Sends one entry now, whether due or not. Undefined when it is gone, refused, or already being sent. */
  send(key: string): Promise<SendResult | undefined> {
    return this.attempt(key);
  }

  /** Sends every due entry (every waiting one with `force`: back online, page opened, a tap on retry). */
  flush(force = false): Promise<void> {
    if (this.running) {
      this.again = true;
      this.forceAgain ||= force;
      return this.running;
    }
    this.running = (async () => {
      let f = force;
      do {
        this.again = false;
        await this.flushOnce(f);
        f = this.forceAgain;
        this.forceAgain = false;
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async flushOnce(force: boolean): Promise<void> {
    const now = this.deps.now();
    for (const entry of waitingEntries(await this.deps.store.all())) {
      if (!force && entry.nextAt > now) continue;
      const r = await this.attempt(entry.key);
      // no network: the others would fail alike; wait for the next round
      if (r?.kind === 'waiting' && r.error instanceof ApiError && r.error.status === 0) break;
    }
  }

  /** Claims the key before anything else (so no other caller sends it meanwhile), then reads it afresh. */
  private async attempt(key: string): Promise<SendResult | undefined> {
    if (this.inFlight.has(key)) return undefined;
    this.inFlight.add(key);
    try {
      const entry = (await this.deps.store.all()).find((e) => e.key === key);
      if (!entry || entry.failed) return undefined; // sent or refused since the caller looked
      const r = await sendEntry(entry, this.deps);
      this.listener(r);
      return r;
    } finally {
      this.inFlight.delete(key);
    }
  }
}

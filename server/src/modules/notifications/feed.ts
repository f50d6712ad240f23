// The live stream's fan-out in one server process. Every process runs one FeedHub: while at least one
// client is connected, it reads the feed table every `pollMs` (one query, however many clients) and
// sends each connected client what concerns it — its own new notifications, and the feed entries in its
// scope — as Server-Sent Events. Several processes each follow the same table, so a notice published
// through any process reaches clients connected to every process; nothing relies on in-process events.
//
// Order and completeness. Identity ids are handed out at insert, not at commit, so "id > last seen"
// would skip a row whose transaction commits after a later one was read. The feed is read in (tx, id)
// order instead, `tx` being the writing transaction: rows below the oldest transaction still running
// (`settled`) can no longer be preceded by anything, and the hub's cursor advances over them only. Rows
// committed beyond that point are sent at once too (no wait for a slow transaction elsewhere), without
// an SSE id, and remembered per client so that they are not sent again when they settle (then only
// their id is sent, as a message without data, which moves the client's resume point).
//
// Resuming. Every settled message carries `id: <tx>.<id>`, its place in that order; the browser's
// EventSource sends the last one back as Last-Event-ID when it reconnects, and the hub sends what the
// client missed since (at most `maxCatchUp` feed rows are looked through; beyond that the client gets a
// `reset` event and should reload its lists). Messages:
//   event: ready         data {}                      the stream is live from here (first message)
//   event: notification  data NotificationDto         one of the viewer's notifications
//   event: feed          data FeedEntryDto            a feed entry in the viewer's scope (staff only)
//   event: reset         data {}                      too much was missed: reload
// plus a comment line every `heartbeatMs` (keeps proxies from closing an idle connection). A stream
// ends after `maxStreamMs` (the client reconnects and is authenticated again, so a logged-out or
// disabled account stops receiving), when the client cannot keep up, and when the server shuts down.
import type { Db } from '../../db/index.js';
import type { JobLogger } from '../../jobs/index.js';
import type { Actor } from '../access/actor.js';
import { notificationPolicy } from './policy.js';
import * as repo from './repository.js';
import type { FeedEntryDto, NotificationDto } from './schema.js';

/** Where a stream's text goes: the HTTP response. */
export interface StreamSink {
  /** Writes SSE text; false when the client is not keeping up (the hub then ends the stream). */
  write(text: string): boolean;
  /** Ends the response; may be called more than once. */
  end(): void;
}

export interface HubOptions {
  pollMs: number;
  heartbeatMs: number;
  maxStreamMs: number;
  /** Feed rows read per query. */
  batch: number;
  /** Feed rows a resuming client's catch-up looks through before it is told to reset. */
  maxCatchUp: number;
  /** Early-sent rows remembered per stream; beyond it, rows wait until they settle. */
  maxEarly: number;
  logger: () => JobLogger;
}

type Viewer = Extract<Actor, { kind: 'user' }>;

interface Stream {
  viewer: Viewer;
  feed: boolean;
  sink: StreamSink;
  resumeFrom: repo.FeedPos | null;
  /** Null until the hub let the stream join. */
  cursor: repo.FeedPos | null;
  /** Ids of rows sent before they settled. */
  early: Set<number>;
  /** The cursor moved past rows the client was not sent: tell it with the next heartbeat. */
  idPending: boolean;
  lifetime: NodeJS.Timeout | undefined;
  closed: boolean;
}

const MAX_TX = 2n ** 64n - 1n;

/** Parses `<tx>.<id>` (as sent in SSE ids); undefined when it is not one. */
export function parseEventId(s: string | undefined): repo.FeedPos | undefined {
  const m = /^(\d{1,20})\.(\d{1,16})$/.exec(s?.trim() ?? '');
  if (!m) return undefined;
  const tx = BigInt(m[1] as string);
  const id = Number(m[2]);
  if (tx > MAX_TX || !Number.isSafeInteger(id)) return undefined;
  return { tx: tx.toString(), id };
}

export const formatEventId = (p: repo.FeedPos) => `${p.tx}.${p.id}`;

export function comparePos(a: repo.FeedPos, b: repo.FeedPos): number {
  const ta = BigInt(a.tx);
  const tb = BigInt(b.tx);
  return ta < tb ? -1 : ta > tb ? 1 : a.id - b.id;
}

export function notificationDtoOf(r: repo.NotificationRow): NotificationDto {
  return {
    id: r.id,
    kind: r.kind,
    entityType: r.entity_type,
    entityId: r.entity_id,
    title: { zh: r.title_zh, en: r.title_en },
    link: r.link,
    createdAt: r.created_at.toISOString(),
    readAt: r.read_at ? r.read_at.toISOString() : null,
  };
}

export function feedEntryDtoOf(r: repo.FeedRow): FeedEntryDto {
  return {
    id: r.id,
    at: r.at.toISOString(),
    kind: r.kind,
    entityType: r.entity_type,
    entityId: r.entity_id,
    title: { zh: r.title_zh, en: r.title_en },
    link: r.link,
    unitPath: r.unit_path,
  };
}

const frame = (event: string, data: unknown, id?: string) =>
  `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export class FeedHub {
  private readonly streams = new Set<Stream>();
  private cursor: repo.FeedPos | null = null;
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly db: Db,
    readonly options: HubOptions,
  ) {}

  /** Open streams of the account, in this process. */
  countFor(accountId: number): number {
    let n = 0;
    for (const s of this.streams) if (s.viewer.id === accountId) n++;
    return n;
  }

  get size(): number {
    return this.streams.size;
  }

  /**
   * Starts a stream for an account (the caller checked the policy). `lastEventId` resumes after that
   * place. Returns the function that ends it (call it when the client disconnects).
   */
  open(viewer: Viewer, lastEventId: string | undefined, sink: StreamSink): () => void {
    // after a quiet spell nobody needs what was published meanwhile: start again from the end
    if (this.streams.size === 0 && !this.running) this.cursor = null;
    const stream: Stream = {
      viewer,
      feed: notificationPolicy.viewFeed(viewer),
      sink,
      resumeFrom: parseEventId(lastEventId) ?? null,
      cursor: null,
      early: new Set(),
      idPending: false,
      lifetime: undefined,
      closed: false,
    };
    const jitter = Math.floor(Math.random() * this.options.maxStreamMs * 0.1);
    stream.lifetime = setTimeout(() => this.end(stream), this.options.maxStreamMs + jitter);
    stream.lifetime.unref();
    this.streams.add(stream);
    this.heartbeat ??= setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    this.kick();
    return () => this.end(stream);
  }

  /** Ends every stream and stops polling (server shutdown); waits for a read in flight. */
  async closeAll(): Promise<void> {
    for (const s of [...this.streams]) this.end(s);
    this.stopTimers();
    await this.running;
  }

  // ---- the poller

  private kick() {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.pollTimer || this.running || this.streams.size === 0) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.running = this.tick().finally(() => {
        this.running = undefined;
        const now = this.again;
        this.again = false;
        this.schedule(now ? 0 : this.options.pollMs);
      });
    }, ms);
    this.pollTimer.unref();
  }

  private stopTimers() {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.pollTimer = undefined;
    this.heartbeat = undefined;
  }

  private async tick(): Promise<void> {
    if (this.streams.size === 0) {
      this.cursor = null; // nobody listens: the next client starts from the then current end
      this.stopTimers();
      return;
    }
    try {
      this.cursor ??= await repo.feedTail(this.db);
      for (const s of [...this.streams]) if (s.cursor === null && !s.closed) await this.join(s);
      await this.readNew();
    } catch (e) {
      // the database may be briefly unreachable: the next tick tries again from the same place
      const err = e as { name?: string; code?: string };
      this.options
        .logger()
        .error({ error: err.name ?? 'Error', code: err.code }, 'notifications: reading the live feed failed');
    }
  }

  /** Lets a new stream in: from the current end, or from its Last-Event-ID with what it missed. */
  private async join(s: Stream) {
    const current = this.cursor as repo.FeedPos;
    if (s.resumeFrom && comparePos(s.resumeFrom, current) < 0) {
      s.cursor = s.resumeFrom;
      let scanned = 0;
      for (;;) {
        const rows = await repo.feedAfter(this.db, s.cursor, current, this.options.batch);
        const notes = await repo.notificationsOfFeed(
          this.db,
          rows.map((r) => r.id),
          [s.viewer.id],
        );
        this.dispatch(rows, notes, [s]);
        scanned += rows.length;
        if (rows.length < this.options.batch || s.closed) break;
        if (scanned >= this.options.maxCatchUp) {
          s.cursor = current;
          this.write(s, frame('reset', {}, formatEventId(current)));
          break;
        }
      }
    } else {
      // a client ahead of this process (it was connected to another one) keeps its place
      s.cursor = s.resumeFrom ?? current;
    }
    this.write(s, frame('ready', {}, formatEventId(s.cursor)));
    s.idPending = false;
  }

  /** Reads the rows after the hub's cursor and sends them to the joined streams. */
  private async readNew() {
    for (;;) {
      const joined = [...this.streams].filter((s) => s.cursor !== null && !s.closed);
      if (joined.length === 0) return;
      const rows = await repo.feedAfter(this.db, this.cursor as repo.FeedPos, null, this.options.batch);
      if (rows.length === 0) return;
      const accounts = [...new Set(joined.map((s) => s.viewer.id))];
      const notes = await repo.notificationsOfFeed(
        this.db,
        rows.map((r) => r.id),
        accounts,
      );
      this.dispatch(rows, notes, joined);
      for (const r of rows) if (r.settled) this.cursor = { tx: r.tx, id: r.id };
      // unsettled rows stay after the cursor and are read again until they settle
      if (rows.length < this.options.batch || rows.some((r) => !r.settled)) return;
    }
  }

  private dispatch(
    rows: (repo.FeedRow & { settled: boolean })[],
    notes: repo.NotificationRow[],
    streams: Stream[],
  ) {
    const noteOf = new Map(notes.map((n) => [`${n.feed_id}:${n.account_id}`, n]));
    for (const row of rows) {
      const pos = { tx: row.tx, id: row.id };
      for (const s of streams) {
        if (s.closed || s.cursor === null || comparePos(pos, s.cursor) <= 0) continue;
        if (row.settled) {
          s.cursor = pos;
          if (s.early.delete(row.id)) {
            // sent already, before it settled: only its resume point is new
            s.idPending = false;
            this.write(s, `id: ${formatEventId(pos)}\n\n`);
            continue;
          }
        } else if (s.early.has(row.id) || s.early.size >= this.options.maxEarly) continue;
        const note = noteOf.get(`${row.id}:${s.viewer.id}`);
        const entry =
          s.feed &&
          notificationPolicy.viewFeedEntry(s.viewer, {
            unitPath: row.unit_path,
            departmentIds: row.department_ids,
          });
        if (!note && !entry) {
          if (row.settled) s.idPending = true;
          continue;
        }
        const id = row.settled ? formatEventId(pos) : undefined;
        if (!row.settled) s.early.add(row.id);
        let text = '';
        if (note) text += frame('notification', notificationDtoOf(note), id);
        if (entry) text += frame('feed', feedEntryDtoOf(row), id);
        if (row.settled) s.idPending = false;
        this.write(s, text);
      }
    }
  }

  private beat() {
    for (const s of this.streams) {
      if (s.cursor === null || s.closed) continue;
      const id = s.idPending ? `id: ${formatEventId(s.cursor)}\n\n` : '';
      s.idPending = false;
      this.write(s, `${id}: heartbeat\n\n`);
    }
  }

  private write(s: Stream, text: string) {
    if (s.closed) return;
    let ok = false;
    try {
      ok = s.sink.write(text);
    } catch {
      ok = false;
    }
    if (!ok) this.end(s);
  }

  private end(s: Stream) {
    if (s.closed) return;
    if (s.idPending && s.cursor) {
      try {
        s.sink.write(`id: ${formatEventId(s.cursor)}\n\n`);
      } catch {
        // the connection is gone already
      }
    }
    s.closed = true;
    if (s.lifetime) clearTimeout(s.lifetime);
    this.streams.delete(s);
    s.sink.end();
    if (this.streams.size === 0) this.stopTimers();
  }
}

// Notifications: what other modules announce (events, hazards, disputes …) reaches the people concerned.
// The module knows nothing of those modules: they call publish(q, notice) inside their own transaction,
// naming the recipients (accounts, or the staff of a unit or a department), and the announcement
// commits or rolls back with their change. One publish writes
//   - one in-app notification per recipient account (GET /notifications, the unread badge),
//   - one row of the live feed, which the dashboards follow by Server-Sent Events (feed.ts) within the
//     viewer's scope,
//   - with `external: true`, one outbox row per recipient and external channel, each sent by a job
//     (notifications.deliver) with retries and backoff, and marked sent or failed.
//
// External channels (SMS, WeChat …) are configured by the deployer. A channel implements `Channel`
// (channels.ts: a name and send(message)); the message carries the account id, the notice's kind, its
// bilingual title (no personal data) and the in-app link. To add one:
//   1. write it, e.g. modules/notifications/channels/sms-<vendor>.ts:
//        export class VendorSms implements Channel {
//          readonly name = 'sms';
//          constructor(private readonly access: AccessService, private readonly apiKey: string) {}
//          async send(m: ChannelMessage) {
//            const account = await this.access.getAccount(SYSTEM, m.accountId);   // phone number
//            if (!account.phone) throw new ChannelError('no_phone', { permanent: true });
//            const res = await fetch(GATEWAY, { … body: { to: account.phone, text: m.title.zh }, signal: AbortSignal.timeout(8000) });
//            if (!res.ok) throw new ChannelError(res.status >= 500 ? 'gateway_down' : 'rejected', { permanent: res.status < 500 });
//          }
//        }
//      (never log the phone number or the text; throw ChannelError with a short code: it is what the
//      outbox row keeps.)
//   2. register it where the services are built (services.ts), right after createNotificationsService:
//        notifications.channels.register(new VendorSms(access, secret));
//   3. list it in ANWANG_NOTIFY_CHANNELS (comma-separated, e.g. `log,sms`; default `log`). Every
//      external notice then gets one outbox row per listed channel. A listed channel that is not
//      registered fails its rows at once with the code unknown_channel (and says so in the log).
// Delivery is at least once: a process that dies after the gateway accepted a message but before the
// outbox row was marked sent sends it again after the job's lease expires (message.outboxId is an
// idempotency key for gateways that take one). Sending happens inside the job's transaction; on PGlite
// (one connection) a slow gateway therefore holds up the database for up to sendTimeoutMs.
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { Db, Queryable } from '../../db/index.js';
import type { StatementPart } from '../../db/statement.js';
import { HttpErrors } from '../../http/errors.js';
import { limitOffset, type Page, type PageQuery } from '../../http/pagination.js';
import type { JobContext, JobLogger, Jobs } from '../../jobs/index.js';
import type { Actor } from '../access/actor.js';
import type { AuditService } from '../access/audit.js';
import type { AccessService } from '../access/service.js';
import {
  CHANNEL_NAME_RE,
  ChannelError,
  type ChannelMessage,
  ChannelRegistry,
  errorCodeOf,
  LogChannel,
} from './channels.js';
import { NotificationErrors as E } from './errors.js';
import { FeedHub, feedEntryDtoOf, notificationDtoOf, type StreamSink } from './feed.js';
import { feedFilterOf, notificationPolicy } from './policy.js';
import * as repo from './repository.js';
import { type FeedEntryDto, type ListQuery, type NotificationDto, noticeSchema } from './schema.js';

/** What another module announces. */
export interface Notice {
  /** e.g. 'events.assigned', 'events.resolved', 'events.overdue', 'events.reminder', 'events.escalated', 'events.submitted' */
  kind: string;
  /** e.g. 'event' */
  entityType: string;
  entityId: number;
  /** Short bilingual text with NO personal data (no names, phones, descriptions): e.g. 事件 20261123-000042 已派遣给 娄桥街道 */
  title: { zh: string; en: string };
  /** Where the UI opens it, e.g. '/events/42' */
  link: string;
  /** Recipients; any combination. Unit/department recipients = the active staff accounts whose scope is exactly that unit / that department. */
  to: { accountIds?: number[]; unitIds?: number[]; departmentIds?: number[] };
  /** The unit path of the thing (for the dashboards' live feed, filtered by the viewer's scope), e.g. '/3303/330304/330304001/' */
  unitPath: string;
  /** The county code to file it under (the sharding key); default: the unit path's second code. */
  countyCode?: string;
  /** Also send through the external channels (SMS/WeChat) — only for what must reach someone away from the screen (assignments, overdue, resolved for the reporter). Default false. */
  external?: boolean;
}

export interface NotificationsConfig {
  /** Channels every external notice goes out through (ANWANG_NOTIFY_CHANNELS; default ['log']). */
  channels?: readonly string[];
  /** Attempts per outbox row before it is failed (default 5). */
  maxAttempts?: number;
  /** Wait after the n-th failed attempt: min(backoffMaxMs, backoffBaseMs · 2^(n−1)); defaults 1 min and 1 h. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A send that takes longer counts as failed with the code timeout (default 10 s). */
  sendTimeoutMs?: number;
  /** Feed rows (and finished outbox rows) older than this are deleted nightly (default 30 days). */
  feedRetentionDays?: number;
  /** How often each process reads the feed while clients are connected (default 1 s). */
  pollMs?: number;
  /** Comment lines that keep idle streams open through proxies (default every 20 s). */
  heartbeatMs?: number;
  /** A stream ends after this long; the client reconnects and is authenticated again (default 15 min). */
  maxStreamMs?: number;
  /** Open streams per account and process (default 8: a few tabs and devices). */
  maxStreamsPerAccount?: number;
  /** Where the log channel and the module's errors go; default the job queue's logger (the server's log). */
  logger?: () => JobLogger;
}

export const DELIVER_KIND = 'notifications.deliver';
export const PRUNE_KIND = 'notifications.prune';
const PRUNE_BATCH = 10_000;

const deliverPayload = z.object({ outboxId: z.number().int().positive() });
const prunePayload = z.object({}).passthrough();

type Settings = Required<Omit<NotificationsConfig, 'logger'>> & { logger: () => JobLogger };

/** The county code in a unit path: its second code ('/3303/330304/…' → '330304'). */
export function countyCodeOf(unitPath: string): string | null {
  return unitPath.split('/').filter(Boolean)[1] ?? null;
}

/** A notice's live-feed row. */
function feedRowOf(n: z.infer<typeof noticeSchema>, at: Date, departmentIds: number[]): repo.NewFeedRow {
  return {
    at,
    countyCode: n.countyCode ?? countyCodeOf(n.unitPath),
    kind: n.kind,
    entityType: n.entityType,
    entityId: n.entityId,
    titleZh: n.title.zh,
    titleEn: n.title.en,
    link: n.link,
    unitPath: n.unitPath,
    departmentIds,
  };
}

/** Who a notice names (the Notifier's Recipients, modules/supervision/notifier.ts). */
type Addressees = { accountIds?: number[]; unitIds?: number[]; departmentIds?: number[] };
/** The accounts addressees name, read ahead by readRecipients (the Notifier's RecipientsReadAhead). */
type ReadAhead = { readonly reads: ReadonlyMap<string, Promise<number[]>> };

/** The addressees of a notice as looked up: each id once, in order (also the key of a lookup). */
function addressees(to: Addressees) {
  const uniq = (xs: number[] | undefined) => [...new Set(xs ?? [])].sort((a, b) => a - b);
  return {
    accountIds: uniq(to.accountIds),
    unitIds: uniq(to.unitIds),
    departmentIds: uniq(to.departmentIds),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChannelError('timeout')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class NotificationsService {
  /** The external channels this process can send through; a deployer registers SMS/WeChat here. */
  readonly channels = new ChannelRegistry();
  private readonly hub: FeedHub;
  private readonly warnedChannels = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly access: Pick<AccessService, 'accountIdsFor'>,
    private readonly jobs: Jobs,
    private readonly clock: Clock,
    private readonly settings: Settings,
  ) {
    for (const c of settings.channels)
      if (!CHANNEL_NAME_RE.test(c)) throw new Error(`invalid notification channel name ${JSON.stringify(c)}`);
    this.channels.register(new LogChannel(settings.logger));
    this.hub = new FeedHub(db, {
      pollMs: settings.pollMs,
      heartbeatMs: settings.heartbeatMs,
      maxStreamMs: settings.maxStreamMs,
      batch: 500,
      maxCatchUp: 10_000,
      maxEarly: 1000,
      logger: settings.logger,
    });
    jobs.queue.register(DELIVER_KIND, (p, ctx) => this.deliver(p, ctx), { maxAttempts: 3 });
    jobs.queue.register(PRUNE_KIND, (p, ctx) => this.prune(p, ctx));
    jobs.schedules.define({ name: 'notifications.prune', cron: '23 3 * * *', kind: PRUNE_KIND });
  }

  // ---- publishing (called by other modules' services, inside their transactions)

  /**
   * Inside the caller's transaction q: writes the in-app notifications (one row per recipient account),
   * one live-feed row, and (external) the outbox rows with their delivery jobs; all commit with the
   * caller's change. Recipients: the named accounts that are active, and the active staff whose scope is
   * exactly one of the named units or departments; an account named twice gets one notification.
   */
  async publish(q: Queryable, notice: Notice): Promise<void> {
    const parsed = noticeSchema.safeParse(notice);
    if (!parsed.success)
      throw new Error(
        `invalid notice (${notice?.kind}): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const n = parsed.data;
    const uniq = (xs: number[] | undefined) => [...new Set(xs ?? [])].sort((a, b) => a - b);
    const departmentIds = uniq(n.to.departmentIds);
    const recipients = await this.access.accountIdsFor(
      { accountIds: uniq(n.to.accountIds), unitIds: uniq(n.to.unitIds), departmentIds },
      q,
    );
    const at = this.clock.now();
    const row = feedRowOf(n, at, departmentIds);
    const countyCode = row.countyCode;
    const feedId = await repo.insertFeed(q, row);
    if (recipients.length === 0) return;
    const written = await repo.insertNotifications(q, feedId, recipients);
    const channels = this.settings.channels;
    if (!n.external || channels.length === 0) return;
    const outboxIds = await repo.insertOutbox(q, written, channels, countyCode, at);
    for (const id of outboxIds) {
      await this.jobs.queue.enqueue(q, {
        kind: DELIVER_KIND,
        payload: { outboxId: id },
        dedupeKey: `${DELIVER_KIND}:${id}:1`,
      });
    }
  }

  /**
   * Several announcements inside the caller's transaction q, as publish() makes each, in fewer
   * statements: the recipients are looked up once per distinct set of addressees, and the feed rows and
   * in-app notifications are written together (the intake of a batch of reports). External notices go
   * one by one through publish() (each has outbox rows and delivery jobs).
   */
  async publishMany(q: Queryable, notices: readonly Notice[], ahead?: ReadAhead): Promise<void> {
    const rows = await this.feedRows(q, notices, ahead, (notice) => this.publish(q, notice));
    await repo.insertFeedsWithNotifications(q, rows);
  }

  /**
   * Notifier.noticesPart: the feed rows and notifications of these notices as a part of the caller's own
   * statement (db/statement.ts), written for those entities only that the statement wrote. The recipients
   * are read first, in q (those `ahead` did not read). Internal notices only: an external one has outbox
   * rows and delivery jobs of its own (publish).
   */
  async noticesPart(
    q: Queryable,
    notices: readonly Notice[],
    ahead?: ReadAhead,
  ): Promise<StatementPart | null> {
    const rows = await this.feedRows(q, notices, ahead, (notice) => {
      throw new Error(`an external notice (${notice.kind}) cannot be part of a statement: publish it`);
    });
    if (rows.length === 0) return null;
    return {
      name: 'feed',
      ctes: (params, onlyFor) => repo.feedsWithNotificationsCtes(params, rows, onlyFor),
    };
  }

  /**
   * The feed rows of internal notices with their recipients (read once per distinct set of addressees,
   * unless `ahead` read them); an external notice goes to `external` in its turn.
   */
  private async feedRows(
    q: Queryable,
    notices: readonly Notice[],
    ahead: ReadAhead | undefined,
    external: (notice: Notice) => Promise<void>,
  ): Promise<(repo.NewFeedRow & { recipients: number[] })[]> {
    const internal: { n: z.infer<typeof noticeSchema>; recipients: number[] }[] = [];
    const byAddressees = new Map(ahead?.reads);
    for (const notice of notices) {
      if (notice.external) {
        await external(notice);
        continue;
      }
      const parsed = noticeSchema.safeParse(notice);
      if (!parsed.success)
        throw new Error(
          `invalid notice (${notice?.kind}): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      const n = parsed.data;
      const to = addressees(n.to);
      const key = JSON.stringify(to);
      let recipients = byAddressees.get(key);
      if (!recipients) {
        recipients = this.access.accountIdsFor(to, q);
        byAddressees.set(key, recipients);
      }
      internal.push({ n, recipients: await recipients });
    }
    const at = this.clock.now();
    return internal.map(({ n, recipients }) => ({
      ...feedRowOf(n, at, addressees(n.to).departmentIds),
      recipients,
    }));
  }

  /** Notifier.readRecipients: starts reading who these addressees are, outside any transaction. */
  readRecipients(to: readonly Addressees[]): ReadAhead {
    const reads = new Map<string, Promise<number[]>>();
    for (const t of to) {
      const a = addressees(t);
      const key = JSON.stringify(a);
      if (reads.has(key)) continue;
      const read = this.access.accountIdsFor(a);
      read.catch(() => {}); // a failed read is thrown where it is awaited (publishMany, noticesPart), if it is
      reads.set(key, read);
    }
    return { reads };
  }

  // ---- one's own notifications

  async list(actor: Actor, query: ListQuery): Promise<Page<NotificationDto>> {
    const me = this.account(actor);
    const { rows, total } = await repo.listMine(this.db, me, query.unread, ...limitOffsetArgs(query));
    return { items: rows.map(notificationDtoOf), total, page: query.page, pageSize: query.pageSize };
  }

  async unreadCount(actor: Actor): Promise<{ count: number }> {
    return { count: await repo.unreadCount(this.db, this.account(actor)) };
  }

  /** Marks one of one's notifications read (again: no change); someone else's is 404. */
  async markRead(actor: Actor, id: number): Promise<NotificationDto> {
    const me = this.account(actor);
    const row = await repo.notificationById(this.db, id);
    if (!row || !notificationPolicy.readOne(actor, { accountId: row.account_id })) return E.notFound.raise();
    const updated = await repo.markRead(this.db, id, me, this.clock.now());
    if (!updated) return E.notFound.raise();
    return notificationDtoOf(updated);
  }

  async markAllRead(actor: Actor): Promise<{ updated: number }> {
    return { updated: await repo.markAllRead(this.db, this.account(actor), this.clock.now()) };
  }

  /** The live feed's latest entries within the viewer's scope, newest first (staff). */
  async listFeed(actor: Actor, page: PageQuery): Promise<Page<FeedEntryDto>> {
    if (actor.kind === 'anonymous') deny(actor);
    const filter = feedFilterOf(actor);
    if (!filter) return deny(actor, 'The live feed is for staff with a scope');
    const { rows, total } = await repo.listFeed(this.db, filter, ...limitOffsetArgs(page));
    return { items: rows.map(feedEntryDtoOf), total, page: page.page, pageSize: page.pageSize };
  }

  // ---- the live stream (feed.ts)

  /** Checks that the actor may open a stream now; the answer is what openStream takes. */
  streamViewer(actor: Actor): Extract<Actor, { kind: 'user' }> {
    this.account(actor);
    const viewer = actor as Extract<Actor, { kind: 'user' }>;
    if (this.hub.countFor(viewer.id) >= this.settings.maxStreamsPerAccount) E.tooManyStreams.raise();
    return viewer;
  }

  /** Starts the stream (after streamViewer); returns the function that ends it. */
  openStream(
    viewer: Extract<Actor, { kind: 'user' }>,
    lastEventId: string | undefined,
    sink: StreamSink,
  ): () => void {
    return this.hub.open(viewer, lastEventId, sink);
  }

  /** Ends every open stream of this process (server shutdown). */
  closeStreams(): Promise<void> {
    return this.hub.closeAll();
  }

  /** Streams open in this process. */
  get streamCount(): number {
    return this.hub.size;
  }

  /** The heartbeat interval, for the HTTP edge's documentation. */
  get heartbeatMs(): number {
    return this.settings.heartbeatMs;
  }

  // ---- jobs

  /** Sends one outbox row through its channel; a failure is recorded and retried later, or failed. */
  private async deliver(payload: unknown, ctx: JobContext): Promise<void> {
    const { outboxId } = deliverPayload.parse(payload);
    const row = await repo.lockOutbox(ctx.q, outboxId);
    if (row?.state !== 'queued') return;
    const attempt = row.attempts + 1;
    const channel = this.channels.get(row.channel);
    const log = this.settings.logger();
    const fields = { outbox: row.id, channel: row.channel, kind: row.kind, attempt };
    let error: unknown = null;
    try {
      if (!channel) {
        if (!this.warnedChannels.has(row.channel)) {
          this.warnedChannels.add(row.channel);
          log.error({ channel: row.channel }, 'notifications: channel is configured but not registered');
        }
        throw new ChannelError('unknown_channel', { permanent: true });
      }
      const message: ChannelMessage = {
        outboxId: row.id,
        notificationId: row.notification_id,
        accountId: row.account_id,
        kind: row.kind,
        title: { zh: row.title_zh, en: row.title_en },
        link: row.link,
      };
      await withTimeout(channel.send(message), this.settings.sendTimeoutMs);
    } catch (e) {
      error = e;
    }
    const now = this.clock.now();
    if (error === null) {
      await repo.recordAttempt(ctx.q, row.id, { state: 'sent', errorCode: null, at: now });
      return;
    }
    const code = errorCodeOf(error);
    const final = attempt >= this.settings.maxAttempts || (error instanceof ChannelError && error.permanent);
    await repo.recordAttempt(ctx.q, row.id, { state: final ? 'failed' : 'queued', errorCode: code, at: now });
    if (final) {
      log.error({ ...fields, code }, 'notification could not be sent');
      return;
    }
    const runAt = new Date(now.getTime() + this.backoffMs(attempt));
    log.warn({ ...fields, code, retryAt: runAt }, 'notification not sent; will retry');
    await this.jobs.queue.enqueue(ctx.q, {
      kind: DELIVER_KIND,
      payload: { outboxId: row.id },
      runAt,
      dedupeKey: `${DELIVER_KIND}:${row.id}:${attempt + 1}`,
    });
  }

  /** The wait after the n-th failed attempt. */
  backoffMs(attempt: number): number {
    const { backoffBaseMs, backoffMaxMs } = this.settings;
    return Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  }

  /** Nightly: deletes feed rows and finished outbox rows older than the retention period. */
  private async prune(payload: unknown, ctx: JobContext): Promise<void> {
    prunePayload.parse(payload);
    const before = new Date(ctx.now.getTime() - this.settings.feedRetentionDays * 86_400_000);
    const feed = await repo.pruneFeed(ctx.q, before, PRUNE_BATCH);
    const outbox = await repo.pruneOutbox(ctx.q, before, PRUNE_BATCH);
    if (feed + outbox > 0) this.settings.logger().info({ feed, outbox }, 'notifications: pruned');
  }

  /** Runs the nightly prune now (tests, the command line). */
  pruneNow(): Promise<void> {
    return this.db.tx((q) => this.prune({}, { q, now: this.clock.now(), jobId: 0, attempt: 1 }));
  }

  private account(actor: Actor): number {
    if (!notificationPolicy.useInbox(actor) || actor.kind !== 'user') {
      if (actor.kind === 'anonymous') deny(actor);
      return E.accountsOnly.raise();
    }
    return actor.id;
  }
}

function limitOffsetArgs(p: PageQuery): [number, number] {
  const { limit, offset } = limitOffset(p);
  return [limit, offset];
}

/** Refuses: 401 for nobody, 403 for someone not allowed. */
function deny(actor: Actor, detail?: string): never {
  if (actor.kind === 'anonymous') return HttpErrors.unauthenticated.raise();
  return HttpErrors.forbidden.raise(detail);
}

/**
 * Builds the service and registers its jobs (notifications.deliver, the nightly notifications.prune)
 * and the log channel. `audit` is not used: a notice is part of the announcing change, whose audit
 * entry the announcing module writes.
 */
export function createNotificationsService(
  db: Db,
  _audit: AuditService,
  access: Pick<AccessService, 'accountIdsFor'>,
  jobs: Jobs,
  clock: Clock,
  config: NotificationsConfig = {},
): NotificationsService {
  const settings: Settings = {
    channels: config.channels ?? ['log'],
    maxAttempts: config.maxAttempts ?? 5,
    backoffBaseMs: config.backoffBaseMs ?? 60_000,
    backoffMaxMs: config.backoffMaxMs ?? 3_600_000,
    sendTimeoutMs: config.sendTimeoutMs ?? 10_000,
    feedRetentionDays: config.feedRetentionDays ?? 30,
    pollMs: config.pollMs ?? 1000,
    heartbeatMs: config.heartbeatMs ?? 20_000,
    maxStreamMs: config.maxStreamMs ?? 15 * 60_000,
    maxStreamsPerAccount: config.maxStreamsPerAccount ?? 8,
    logger: config.logger ?? (() => jobs.queue.logger),
  };
  return new NotificationsService(db, access, jobs, clock, settings);
}

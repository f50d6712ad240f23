// HTTP routes of notifications (under /api/v1): one's own notifications, the live feed, and the live
// stream (Server-Sent Events, see feed.ts for its messages).
import type { ServerResponse } from 'node:http';
import { pageOf } from '../../http/pagination.js';
import type { App } from '../../http/types.js';
import type { StreamSink } from './feed.js';
import {
  feedEntryDto,
  feedQuery,
  idParams,
  listQuery,
  notificationDto,
  readAllResult,
  streamQuery,
  unreadCount,
} from './schema.js';
import type { NotificationsService } from './service.js';

const tags = ['notifications'];
/** Text buffered for a client that does not read it; beyond this the stream is ended. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export function notificationRoutes(app: App, notifications: NotificationsService): void {
  // open streams would keep the server from closing: end them first
  app.addHook('preClose', async () => {
    await notifications.closeStreams();
  });

  app.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: 'My notifications, newest first (unread=true: only the unread ones)',
        querystring: listQuery,
        response: { 200: pageOf(notificationDto) },
      },
    },
    async (req) => notifications.list(req.actor, req.query),
  );

  app.get(
    '/notifications/unread-count',
    {
      schema: { tags, summary: 'How many of my notifications are unread', response: { 200: unreadCount } },
    },
    async (req) => notifications.unreadCount(req.actor),
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark one of my notifications read',
        description: 'Someone else’s notification answers 404 notifications.not_found.',
        params: idParams,
        response: { 200: notificationDto },
      },
    },
    async (req) => notifications.markRead(req.actor, req.params.id),
  );

  app.post(
    '/notifications/read-all',
    {
      schema: { tags, summary: 'Mark all my notifications read', response: { 200: readAllResult } },
    },
    async (req) => notifications.markAllRead(req.actor),
  );

  app.get(
    '/notifications/feed',
    {
      schema: {
        tags,
        summary: 'The live feed’s latest entries within my scope, newest first (staff)',
        description:
          'What the dashboards show before the stream brings new entries: entries whose unit lies in the ' +
          'viewer’s unit subtree, or that were addressed to the viewer’s department. Kept for 30 days.',
        querystring: feedQuery,
        response: { 200: pageOf(feedEntryDto) },
      },
    },
    async (req) => notifications.listFeed(req.actor, req.query),
  );

  app.get(
    '/notifications/stream',
    {
      exposeHeadRoute: false,
      schema: {
        tags,
        summary: 'Live updates as Server-Sent Events (logged-in accounts)',
        description:
          'text/event-stream. Events: `ready` (first), `notification` (one of mine, a NotificationDto), ' +
          '`feed` (a live-feed entry within my scope, a FeedEntryDto; staff only), `reset` (too much was ' +
          `missed: reload). A comment line every ${Math.round(notifications.heartbeatMs / 1000)} s. ` +
          'Send Last-Event-ID (EventSource does it by itself) to resume after a disconnect. The stream ' +
          'ends after a while; EventSource reconnects and resumes. 401 without a session, 403 for API ' +
          'keys, 429 notifications.too_many_streams when an account has too many open.',
        querystring: streamQuery,
        produces: ['text/event-stream'],
      },
    },
    async (req, reply) => {
      const viewer = notifications.streamViewer(req.actor);
      const header = req.headers['last-event-id'];
      const lastEventId = (Array.isArray(header) ? header[0] : header) ?? req.query.lastEventId;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        // nginx: do not buffer the stream
        'X-Accel-Buffering': 'no',
      });
      raw.write('retry: 3000\n\n');
      const close = notifications.openStream(viewer, lastEventId, sinkOf(raw));
      raw.on('close', close);
    },
  );
}

function sinkOf(raw: ServerResponse): StreamSink {
  return {
    write(text) {
      if (raw.destroyed || raw.writableEnded) return false;
      raw.write(text);
      return raw.writableLength <= MAX_BUFFERED_BYTES;
    },
    end() {
      if (!raw.writableEnded && !raw.destroyed) raw.end();
    },
  };
}

// Test helpers for the notifications module (and for modules that publish notices): a service of its own
// over a test context (with its own job queue, so that the composition root's registrations never
// clash), an HTTP app that serves its routes, a channel that records what it was given, and a small
// Server-Sent Events client over a real loopback connection.
import http from 'node:http';
import type { TestContext } from '../../../test/context.js';
import { buildApp } from '../../app.js';
import type { App } from '../../http/types.js';
import { createJobs, type Jobs } from '../../jobs/index.js';
import { JobRunner } from '../../jobs/runner.js';
import type { Services } from '../../services.js';
import { type Channel, ChannelError, type ChannelMessage } from './channels.js';
import { notificationRoutes } from './routes.js';
import {
  createNotificationsService,
  type NotificationsConfig,
  type NotificationsService,
} from './service.js';

export interface Testbed {
  service: NotificationsService;
  jobs: Jobs;
  runner: JobRunner;
  /** The app over the test context's services with this service's routes (built once). */
  app(): Promise<App>;
  close(): Promise<void>;
}

export function notificationsTestbed(ctx: TestContext, config: NotificationsConfig = {}): Testbed {
  const jobs = createJobs(ctx.db, ctx.clock);
  const service = createNotificationsService(
    ctx.db,
    ctx.services.audit,
    ctx.services.access,
    jobs,
    ctx.clock,
    config,
  );
  const runner = new JobRunner(jobs.queue, undefined, { workerId: 'notifications-test' });
  let app: App | undefined;
  return {
    service,
    jobs,
    runner,
    async app() {
      if (app) return app;
      // once the composition root serves these routes, buildApp takes them from `services.notifications`
      const services = { ...ctx.services, notifications: service } as Services;
      const built = await buildApp({ config: ctx.config, services, serveWeb: false });
      if (!built.hasRoute({ method: 'GET', url: '/api/v1/notifications/unread-count' })) {
        await built.register(async (api) => notificationRoutes(api as unknown as App, service), {
          prefix: '/api/v1',
        });
      }
      app = built;
      return app;
    },
    async close() {
      await app?.close();
      await service.closeStreams();
    },
  };
}

/** A channel that records its messages and fails as told. */
export class RecordingChannel implements Channel {
  readonly sent: ChannelMessage[] = [];
  /** Fail the next n sends (with this code); permanent makes the failure final. */
  failNext = 0;
  failCode = 'gateway_down';
  permanent = false;
  /** Throw a plain Error with this message instead (to check what is kept of it). */
  plainErrorMessage: string | null = null;
  delayMs = 0;
  calls = 0;

  constructor(readonly name = 'test') {}

  async send(m: ChannelMessage): Promise<void> {
    this.calls++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failNext > 0) {
      this.failNext--;
      if (this.plainErrorMessage) throw new Error(this.plainErrorMessage);
      throw new ChannelError(this.failCode, { permanent: this.permanent });
    }
    this.sent.push(m);
  }
}

export interface SseEvent {
  event: string;
  data: unknown;
  /** The id the message carried, if any. */
  id: string | undefined;
}

export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  comments: string[];
  /** What an EventSource would send as Last-Event-ID on reconnecting. */
  lastEventId: string;
  retry: number | undefined;
  /** Resolves with the first event (from the start of the stream) that matches, or rejects after timeoutMs. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens an SSE stream at `url` (an http://127.0.0.1 address); resolves once the response headers came. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
      let endResolve!: () => void;
      const client: SseClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: [],
        lastEventId: '',
        retry: undefined,
        waitFor(match, timeoutMs = 5000) {
          const found = client.events.find(match);
          if (found) return Promise.resolve(found);
          return new Promise((res2, rej2) => {
            const w = { match, resolve: res2 };
            waiters.push(w);
            setTimeout(() => {
              const i = waiters.indexOf(w);
              if (i >= 0) {
                waiters.splice(i, 1);
                rej2(new Error(`no matching event within ${timeoutMs} ms`));
              }
            }, timeoutMs);
          });
        },
        ended: new Promise<void>((r) => {
          endResolve = r;
        }),
        close() {
          req.destroy();
        },
      };
      const dispatch = (block: string) => {
        let event = 'message';
        let data: string[] = [];
        let id: string | undefined;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
          else {
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'id') id = value;
            else if (field === 'retry') client.retry = Number(value);
          }
        }
        if (id !== undefined) client.lastEventId = id;
        if (data.length === 0) return;
        const e: SseEvent = { event, data: JSON.parse(data.join('\n')), id };
        data = [];
        client.events.push(e);
        for (const w of [...waiters]) {
          if (w.match(e)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      };
      res.on('data', (chunk: string) => {
        buffer += chunk.replace(/\r\n/g, '\n');
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          dispatch(block);
        }
      });
      res.on('close', () => endResolve());
      res.on('error', () => endResolve());
      if (res.statusCode === 200) resolve(client);
      else {
        let body = '';
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => {
          client.events.push({ event: 'error', data: body ? JSON.parse(body) : null, id: undefined });
          resolve(client);
        });
      }
    });
    req.on('error', reject);
  });
}

// External channels: how a notification leaves the platform for someone away from the screen (an SMS
// gateway, a WeChat template message …). A channel is anything with a name and a send(); the registry
// holds the channels this process can use; ANWANG_NOTIFY_CHANNELS says which ones every external
// notice goes out through (default: log, which only writes a log line).
//
// Contract of send(): resolve when the gateway accepted the message; throw to have it tried again later
// (with backoff, up to the configured number of attempts). Throw a ChannelError with a short code
// ('rejected', 'no_phone', 'quota' …) to say why: the code is kept on the outbox row; messages are not
// (a gateway's message may quote a phone number). `permanent: true` stops the retries at once (e.g. the
// account has no phone number). send() may be called again for a message it already sent when the
// process dies between sending and recording it: where the gateway supports it, pass
// `message.outboxId` as its idempotency key.
import type { JobLogger } from '../../jobs/index.js';

export interface ChannelMessage {
  /** Unique per (notification, channel): an idempotency key for gateways that take one. */
  outboxId: number;
  notificationId: number;
  accountId: number;
  kind: string;
  /** Short bilingual text without personal data. */
  title: { zh: string; en: string };
  /** The in-app path, e.g. '/events/42' (prefix the deployment's public address for a clickable link). */
  link: string;
}

export interface Channel {
  /** Lower-case letters, digits, _ and -: 'log', 'sms', 'wechat' … */
  readonly name: string;
  send(message: ChannelMessage): Promise<void>;
}

export const CHANNEL_NAME_RE = /^[a-z][a-z0-9_-]{0,31}$/;
const ERROR_CODE_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export class ChannelError extends Error {
  constructor(
    /** Short and stable, kept on the outbox row: 'rejected', 'no_phone', 'timeout' … */
    readonly code: string,
    readonly options: { permanent?: boolean; message?: string } = {},
  ) {
    super(options.message ?? code);
    this.name = 'ChannelError';
  }
  get permanent(): boolean {
    return this.options.permanent ?? false;
  }
}

/** The code an error is recorded under: a ChannelError's code, else the error's class name. */
export function errorCodeOf(e: unknown): string {
  const code = e instanceof ChannelError ? e.code : e instanceof Error ? e.name : typeof e;
  return ERROR_CODE_RE.test(code) ? code : 'error';
}

/**
 * The default channel: a log line per message with the account id and the notice's kind, nothing else
 * (no title, no link: the log is read by operators who need not know what happened to whom).
 */
export class LogChannel implements Channel {
  readonly name = 'log';
  constructor(private readonly logger: () => JobLogger) {}
  async send(m: ChannelMessage): Promise<void> {
    this.logger().info(
      { channel: this.name, outbox: m.outboxId, account: m.accountId, kind: m.kind },
      'notification sent',
    );
  }
}

/** The channels this process can send through, by name. */
export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>();

  register(channel: Channel): void {
    if (!CHANNEL_NAME_RE.test(channel.name))
      throw new Error(`invalid channel name ${JSON.stringify(channel.name)}`);
    if (this.channels.has(channel.name)) throw new Error(`channel ${channel.name} is already registered`);
    this.channels.set(channel.name, channel);
  }

  get(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  names(): string[] {
    return [...this.channels.keys()];
  }
}

// How a supervised module tells people (assignees, supervisors, reporters) about its items: the shape of
// the notifications service's publish, kept structural so events and hazards depend on no internals of
// it. services.ts passes the notifications service; tests may pass null (nobody is told).
import type { Queryable } from '../../db/index.js';
import type { StatementPart } from '../../db/statement.js';

/** Who is told: named accounts, and the active staff scoped exactly to these units or departments. */
export interface Recipients {
  accountIds?: number[];
  unitIds?: number[];
  departmentIds?: number[];
}

/** A notice as the notifications service takes it. */
export interface NoticeOf {
  kind: string;
  entityType: string;
  entityId: number;
  /** Short bilingual text without personal data (no names, phones, descriptions). */
  title: { zh: string; en: string };
  link: string;
  to: Recipients;
  unitPath: string;
  /** Also out through SMS/WeChat: only what must reach someone away from the screen. */
  external?: boolean;
}

/** The accounts addressees name, being read ahead: made by Notifier.readRecipients only (its own keys). */
export interface RecipientsReadAhead {
  readonly reads: ReadonlyMap<string, Promise<number[]>>;
}

export interface Notifier {
  publish(q: Queryable, notice: NoticeOf): Promise<void>;
  /**
   * Several at once, in fewer statements (a batch of reports). `ahead`: the recipients read already by
   * readRecipients (addressees it did not read are read here, in q).
   */
  publishMany(q: Queryable, notices: readonly NoticeOf[], ahead?: RecipientsReadAhead): Promise<void>;
  /**
   * Several internal notices (no `external`) as a part of the caller's own statement (db/statement.ts),
   * written for those entities only that the statement wrote: one round trip for the caller's rows and
   * the feed. The recipients are read first, in q (those `ahead` did not read); null when there are none.
   */
  noticesPart(
    q: Queryable,
    notices: readonly NoticeOf[],
    ahead?: RecipientsReadAhead,
  ): Promise<StatementPart | null>;
  /**
   * Starts reading now, outside any transaction, the accounts these addressees name, so that publishMany
   * or noticesPart need not read them in the caller's transaction (what an in-transaction read would see:
   * the accounts as committed). Only where a read outside may run beside the caller's work (not on
   * PGlite's one connection).
   */
  readRecipients(to: readonly Recipients[]): RecipientsReadAhead;
}

/** The recipients with more units added (supervisors), each unit once. */
export function withUnits(to: Recipients, unitIds: readonly (number | undefined | null)[]): Recipients {
  const add = unitIds.filter((u): u is number => typeof u === 'number');
  if (add.length === 0) return to;
  return { ...to, unitIds: [...new Set([...(to.unitIds ?? []), ...add])] };
}

// The append-only timeline a closed loop keeps per item (event_timeline, hazard_timeline): one table per
// module with the same columns but the owner's, a step numbered per owner (the caller holds the owner's
// row lock, so seq cannot race). Table and column names come from the calling repository, never input.
import type { Queryable } from './types.js';

export interface TimelineTable {
  table: 'event_timeline' | 'hazard_timeline';
  owner: 'event_id' | 'hazard_id';
}

/** A step as written: the owner's id, when, what, the states, who and as what role, the details. */
export interface TimelineStep<S extends string> {
  ownerId: number;
  county_code: string;
  at: Date;
  kind: string;
  from_state: S | null;
  to_state: S | null;
  by_name: string;
  as_role: string | null;
  details: Record<string, unknown>;
}

/** Appends a step, numbered after the owner's last one. */
export async function appendTimelineStep<S extends string>(
  q: Queryable,
  { table, owner }: TimelineTable,
  t: TimelineStep<S>,
): Promise<void> {
  await q.query(
    `INSERT INTO ${table} (${owner}, seq, county_code, at, kind, from_state, to_state, by_name, as_role, details)
     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9
     FROM ${table} WHERE ${owner} = $1`,
    [
      t.ownerId,
      t.county_code,
      t.at,
      t.kind,
      t.from_state,
      t.to_state,
      t.by_name,
      t.as_role,
      JSON.stringify(t.details),
    ],
  );
}

/** An owner's steps in order, each row carrying the owner's column as named in its table. */
export function timelineSteps<R extends Record<string, unknown>>(
  q: Queryable,
  { table, owner }: TimelineTable,
  ownerId: number,
): Promise<R[]> {
  return q.query<R>(
    `SELECT ${owner}, seq, at, kind, from_state, to_state, by_name, as_role, details
     FROM ${table} WHERE ${owner} = $1 ORDER BY seq`,
    [ownerId],
  );
}

// Millions of events made set-based in SQL (INSERT … SELECT generate_series), with plausible
// distributions over the seeded micro-grids and categories: reports skewed towards some places and
// the common categories, spread over the last months; each event walked as far along the loop as its
// age allows (accepted, assigned to where its category's rule routes it, resolved on time or late,
// rated, closed or auto-closed, a few reopened, rejected or merged), with the timeline steps the
// service would have written. Deterministic for a seed (setseed in the same transaction).
import type { Db } from '../../server/src/db/index.js';

export interface GenerateOptions {
  /** How many events to add. */
  count: number;
  /** The end of the history (the newest report is just before it). */
  now: Date;
  /** Days of history. */
  days: number;
  /** In [-1, 1]. */
  seed: number;
  /** Rows per INSERT statement (each one transaction). */
  batch: number;
  /** Timeline rows are made for the events of the last this many days (the older ones have none). */
  timelineDays: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateResult {
  events: number;
  timelineRows: number;
  seconds: number;
  /** Seconds of the event rows, of the timeline rows, of building the indexes again, of ANALYZE. */
  stages: { events: number; timeline: number; indexes: number; analyze: number };
}

// The places (micro-grids with their grid, village, town and county) and the leaf categories of the
// current versions with their root group and rule, numbered from 0 so that a random index joins.
const PLACES = `
  SELECT (row_number() OVER (ORDER BY m.id) - 1)::int AS i, m.id, m.path, m.county_code,
         m.centroid_lng AS lng, m.centroid_lat AS lat,
         g.id AS grid_id, g.path AS grid_path, v.id AS village_id, v.path AS village_path,
         t.id AS town_id, t.path AS town_path, c.id AS county_id, c.path AS county_path
  FROM unit m JOIN unit g ON g.id = m.parent_id JOIN unit v ON v.id = g.parent_id
  JOIN unit t ON t.id = v.parent_id JOIN unit c ON c.id = t.parent_id
  WHERE m.level = 'micro_grid' AND m.centroid_lng IS NOT NULL`;

const CATEGORIES = `
  SELECT (row_number() OVER (ORDER BY c.code) - 1)::int AS i, c.id, c.code, c.current_version AS version,
         p.code AS grp, v.priority, v.handled_by, v.deadline_hours::float8 AS deadline_h, d.id AS department_id
  FROM event_category c
  JOIN event_category_version v ON v.category_id = c.id AND v.version = c.current_version
  JOIN event_category p ON p.id = v.parent_id
  LEFT JOIN department d ON d.code = v.department_code
  WHERE v.active AND (v.handled_by <> 'department' OR d.id IS NOT NULL)`;

/**
 * One batch: $1 first id, $2 rows, $3 now, $4 days, $5 number of places, $6 number of categories.
 * Random draws are columns of `r`; the lifecycle's instants are computed once in `t`, then cut at now.
 */
const INSERT_EVENTS = `
WITH places AS MATERIALIZED (${PLACES}),
cats AS MATERIALIZED (${CATEGORIES}),
r AS (
  SELECT $1::bigint + g - 1 AS id,
         $3::timestamptz - random() * $4::float8 * interval '1 day' AS created_at,
         least($5::int - 1, floor(power(random(), 1.7) * $5::int))::int AS pi,
         least($6::int - 1, floor(power(random(), 2.2) * $6::int))::int AS ci,
         random() AS r_state, random() AS r_accept, random() AS r_assign, random() AS r_resolve,
         random() AS r_close, random() AS r_rate, random() AS r_rating, random() AS r_progress,
         random() AS r_anon, random() AS r_source
  FROM generate_series(1, $2::int) g),
t AS (
  SELECT r.*, p.id AS unit_id, p.path AS unit_path, p.county_code, p.lng, p.lat,
         c.id AS category_id, c.version AS category_version, c.code AS category_code, c.grp, c.priority,
         c.deadline_h,
         CASE c.handled_by WHEN 'department' THEN 'department' ELSE 'unit' END AS route_kind,
         CASE c.handled_by WHEN 'grid' THEN p.grid_id WHEN 'village' THEN p.village_id
           WHEN 'town' THEN p.town_id WHEN 'center' THEN p.county_id ELSE c.department_id END AS route_id,
         CASE c.handled_by WHEN 'department' THEN 'department' ELSE c.handled_by END AS route_level,
         CASE c.handled_by WHEN 'grid' THEN p.grid_path WHEN 'village' THEN p.village_path
           WHEN 'town' THEN p.town_path WHEN 'center' THEN p.county_path ELSE p.county_path END AS route_path,
         r.created_at + (0.05 + 2 * r.r_accept) * interval '1 hour' AS t_accept,
         r.created_at + (0.1 + 2 * r.r_accept + 4 * r.r_assign) * interval '1 hour' AS t_assign,
         r.created_at + (0.1 + 2 * r.r_accept + 4 * r.r_assign + c.deadline_h) * interval '1 hour' AS t_due,
         r.created_at + (0.1 + 2 * r.r_accept + 4 * r.r_assign + c.deadline_h * (0.15 + 1.2 * r.r_resolve))
           * interval '1 hour' AS t_resolve
  FROM r JOIN places p ON p.i = r.pi JOIN cats c ON c.i = r.ci),
s AS (
  SELECT t.*,
    t.t_resolve + (CASE WHEN t.r_rate < 0.6 THEN 48 * t.r_close ELSE 168 END) * interval '1 hour' AS t_close,
    CASE
      WHEN t.r_state < 0.03 THEN 'rejected'
      WHEN t.r_state < 0.05 THEN 'merged'
      WHEN t.r_state < 0.06 AND t.t_resolve + interval '3 days' <= $3 THEN 'reopened'
      WHEN t.t_resolve + (CASE WHEN t.r_rate < 0.6 THEN 48 * t.r_close ELSE 168 END) * interval '1 hour' <= $3
        THEN 'closed'
      WHEN t.t_resolve <= $3 THEN 'resolved'
      WHEN t.t_assign <= $3 THEN CASE WHEN t.r_progress < 0.6 THEN 'in_progress' ELSE 'assigned' END
      WHEN t.t_accept <= $3 THEN 'accepted'
      ELSE 'submitted'
    END AS state
  FROM t)
INSERT INTO event (id, county_code, tracking_no, category_id, category_version, category_code, category_group,
  priority, state, version, source, description, answers, lng, lat, unit_id, unit_path, route_kind, route_id,
  route_level, assignee_kind, assignee_id, assignee_level, assignee_path, assigned_at, due_at, overdue,
  accepted_at, first_resolved_at, resolved_at, resolved_on_time, closed_at, rating, reopen_count, merged_into,
  anonymous, created_by, created_at, updated_at)
SELECT s.id, s.county_code,
  to_char(s.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(s.id::text, greatest(6, length(s.id::text)), '0'),
  s.category_id, s.category_version, s.category_code, s.grp, s.priority, s.state,
  CASE s.state WHEN 'submitted' THEN 1 WHEN 'accepted' THEN 2 WHEN 'rejected' THEN 2 WHEN 'merged' THEN 2
    WHEN 'assigned' THEN 3 WHEN 'in_progress' THEN 4 WHEN 'resolved' THEN 5 WHEN 'closed' THEN 6 ELSE 6 END,
  CASE WHEN s.r_source < 0.7 THEN 'app' WHEN s.r_source < 0.95 THEN 'staff' ELSE 'hotline' END,
  'generated report ' || s.id, '{}'::jsonb,
  s.lng + (s.r_rating - 0.5) * 0.0004, s.lat + (s.r_close - 0.5) * 0.0004, s.unit_id, s.unit_path,
  s.route_kind, s.route_id, s.route_level,
  -- the assignee is the route (dispatchers mostly follow the suggestion)
  CASE WHEN assigned THEN s.route_kind END, CASE WHEN assigned THEN s.route_id END,
  CASE WHEN assigned THEN s.route_level END, CASE WHEN assigned THEN s.route_path END,
  CASE WHEN assigned THEN s.t_assign END, CASE WHEN assigned THEN s.t_due END,
  s.state IN ('assigned', 'in_progress') AND s.t_due < $3,
  CASE WHEN s.state NOT IN ('submitted', 'rejected', 'merged') THEN s.t_accept END,
  CASE WHEN resolved THEN s.t_resolve END, CASE WHEN resolved THEN s.t_resolve END,
  CASE WHEN resolved THEN s.t_resolve <= s.t_due END,
  CASE WHEN s.state = 'closed' THEN s.t_close END,
  CASE WHEN s.state = 'reopened' THEN 1 + floor(2 * s.r_rating)::int
       WHEN s.state = 'closed' AND s.r_rate < 0.6 THEN 3 + floor(3 * power(s.r_rating, 0.6))::int END,
  CASE WHEN s.state = 'reopened' THEN 1 ELSE 0 END,
  NULL, s.r_anon < 0.1, 'bench', s.created_at,
  CASE s.state WHEN 'submitted' THEN s.created_at WHEN 'accepted' THEN s.t_accept
    WHEN 'rejected' THEN s.t_accept WHEN 'merged' THEN s.t_accept
    WHEN 'assigned' THEN s.t_assign WHEN 'in_progress' THEN s.t_assign + (s.t_resolve - s.t_assign) / 4
    WHEN 'resolved' THEN s.t_resolve WHEN 'closed' THEN s.t_close ELSE s.t_resolve + interval '1 day' END
FROM s CROSS JOIN LATERAL (SELECT
  s.state IN ('assigned', 'in_progress', 'resolved', 'closed', 'reopened') AS assigned,
  s.state IN ('resolved', 'closed', 'reopened') AS resolved) f`;

/**
 * The timeline of the events with ids in [$1, $2] reported since $3: one row per step taken (submit, accept or
 * reject or merge, assign, start, resolve, rate, close, reopen), at the instants stored on the event.
 */
const INSERT_TIMELINE = `
INSERT INTO event_timeline (event_id, seq, county_code, at, kind, from_state, to_state, by_name, as_role, details)
SELECT e.id, row_number() OVER (PARTITION BY e.id ORDER BY st.ord)::int, e.county_code, st.at, st.kind,
       st.from_state, st.to_state, st.by_name, st.as_role, st.details
FROM event e CROSS JOIN LATERAL (VALUES
  (1, e.created_at, 'submit', NULL, 'submitted', 'reporter', 'reporter', '{"source":"app"}'::jsonb, true),
  (2, e.updated_at, CASE e.state WHEN 'rejected' THEN 'reject' ELSE 'merge' END, 'submitted', e.state,
     'dispatcher', 'dispatcher', '{}'::jsonb, e.state IN ('rejected', 'merged')),
  (3, e.accepted_at, 'accept', 'submitted', 'accepted', 'dispatcher', 'dispatcher', '{}'::jsonb,
     e.accepted_at IS NOT NULL),
  (4, e.assigned_at, 'assign', 'accepted', 'assigned', 'dispatcher', 'dispatcher',
     jsonb_build_object('assignee', jsonb_build_object('kind', e.assignee_kind, 'id', e.assignee_id)),
     e.assigned_at IS NOT NULL),
  (5, e.assigned_at + (COALESCE(e.resolved_at, e.updated_at) - e.assigned_at) / 4, 'start', 'assigned',
     'in_progress', 'handler', 'handler', '{}'::jsonb, e.assigned_at IS NOT NULL AND e.state <> 'assigned'),
  (6, e.resolved_at, 'resolve', 'in_progress', 'resolved', 'handler', 'handler',
     '{"note":"done"}'::jsonb, e.resolved_at IS NOT NULL),
  (7, e.closed_at, 'rate', 'resolved', 'closed', 'reporter', 'reporter',
     jsonb_build_object('rating', e.rating), e.state = 'closed' AND e.rating IS NOT NULL),
  (8, e.closed_at, 'close', 'resolved', 'closed', 'system', 'system', '{"reason":"rating window over"}'::jsonb,
     e.state = 'closed' AND e.rating IS NULL),
  (9, e.updated_at, 'rate', 'resolved', 'reopened', 'reporter', 'reporter',
     jsonb_build_object('rating', e.rating), e.state = 'reopened')
) AS st(ord, at, kind, from_state, to_state, by_name, as_role, details, taken)
WHERE e.id BETWEEN $1 AND $2 AND e.created_at >= $3 AND st.taken`;

/** The secondary indexes of the two tables (not those behind a primary key or unique constraint). */
async function secondaryIndexes(db: Db): Promise<{ name: string; def: string }[]> {
  return db.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename IN ('event', 'event_timeline')
       AND indexname NOT IN (SELECT conname FROM pg_constraint)
     ORDER BY indexname`,
  );
}

/**
 * Adds `count` events (and their timelines) after the highest id. A bulk load: the secondary indexes
 * are dropped first and built again at the end (the same definitions, read from pg_indexes), and the
 * foreign-key triggers are skipped (session_replication_role = replica; the rows reference existing
 * units and events by construction) — the state at the end is the same as row-by-row inserts.
 */
export async function generateEvents(db: Db, o: GenerateOptions): Promise<GenerateResult> {
  const t0 = performance.now();
  const [{ places, cats, maxId }] = (await db.query<{ places: number; cats: number; maxId: number }>(
    `SELECT (SELECT count(*)::int FROM (${PLACES}) p) AS places,
            (SELECT count(*)::int FROM (${CATEGORIES}) c) AS cats,
            (SELECT COALESCE(max(id), 0)::bigint FROM event) AS "maxId"`,
  )) as [{ places: number; cats: number; maxId: number }];
  if (places === 0 || cats === 0) throw new Error('no micro-grids or categories: is the database seeded?');
  const first = maxId + 1;
  let timelineRows = 0;
  let eventsSec = 0;
  let timelineSec = 0;
  let indexSec = 0;
  const indexes = await secondaryIndexes(db);
  for (const ix of indexes) await db.query(`DROP INDEX ${ix.name}`);
  try {
    for (let done = 0; done < o.count; done += o.batch) {
      const n = Math.min(o.batch, o.count - done);
      const from = first + done;
      await db.tx(async (q) => {
        await q.query('SET LOCAL session_replication_role = replica');
        // a different, deterministic stream per batch; setseed holds for this connection's session
        await q.query('SELECT setseed($1)', [Math.sin(o.seed * 1000 + done / o.batch) * 0.99]);
        let t = performance.now();
        await q.query(INSERT_EVENTS, [from, n, o.now, o.days, places, cats]);
        eventsSec += (performance.now() - t) / 1000;
        t = performance.now();
        const since = new Date(o.now.getTime() - o.timelineDays * 24 * 3600_000);
        const rows = await q.query<{ n: number }>(
          `WITH ins AS (${INSERT_TIMELINE} RETURNING 1) SELECT count(*)::int AS n FROM ins`,
          [from, from + n - 1, since],
        );
        timelineRows += rows[0]?.n ?? 0;
        timelineSec += (performance.now() - t) / 1000;
      });
      o.onProgress?.(done + n, o.count);
    }
  } finally {
    const t = performance.now();
    for (const ix of indexes) await db.query(ix.def);
    indexSec = (performance.now() - t) / 1000;
  }
  // ids were given explicitly: move the identity past them, so intake after the load does not collide
  await db.query(`SELECT setval(pg_get_serial_sequence('event', 'id'), (SELECT max(id) FROM event))`);
  const t = performance.now();
  await db.exec('ANALYZE event; ANALYZE event_timeline');
  const analyze = (performance.now() - t) / 1000;
  return {
    events: o.count,
    timelineRows,
    seconds: (performance.now() - t0) / 1000,
    stages: { events: eventsSec, timeline: timelineSec, indexes: indexSec, analyze },
  };
}

-- The daily view counts what was open at the end of a day: reported before it and not finished by then
-- (closed or resolved later, rejected or merged later, or still open). Spelled as ORs over state and
-- three instants, that read every event of the subtree (bench/events at 2 million events: 1.4 s of the
-- daily totals on PostgreSQL). Indexed as one instant — when the event stopped being open, 'infinity'
-- while it is open — it is one range. The expression is repository.ts's OPEN_UNTIL: keep them equal.
CREATE INDEX event_open_until ON event ((CASE state
    WHEN 'closed' THEN COALESCE(resolved_at, closed_at, '-infinity')
    WHEN 'resolved' THEN COALESCE(resolved_at, '-infinity')
    WHEN 'rejected' THEN updated_at
    WHEN 'merged' THEN updated_at
    ELSE 'infinity' END), created_at);

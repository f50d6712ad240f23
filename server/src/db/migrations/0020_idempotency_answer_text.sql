-- An idempotency key keeps its first answer as the very text that was sent: a replay sends it again as
-- it was. As jsonb, PostgreSQL parsed and rebuilt every answer (about 1.2 KB) of every report written,
-- only for it to be printed back on the rare replay.
ALTER TABLE idempotency_key ALTER COLUMN response TYPE text USING response::text;

-- +goose Up
-- attempts_due serves the claims (planned and failed attempts by due time)
-- and the lists of parked and held ones. Sent and cancelled attempts are
-- history, never read through it, and they are most of the table: each
-- cancellation wrote an entry at a random place of the index (a million-
-- record return file cancels 175,000 attempts, and rewrote the same 2,100
-- index pages in every batch: a fifth of the pages its checkpoints wrote).
-- The predicate is written with OR so that SQLite sees a query's
-- "status = 'planned'" term in it.
DROP INDEX attempts_due;
CREATE INDEX attempts_due ON attempts(status, due_at)
  WHERE status = 'planned' OR status = 'failed' OR status = 'parked' OR status = 'held';

-- +goose Down
DROP INDEX attempts_due;
CREATE INDEX attempts_due ON attempts(status, due_at);

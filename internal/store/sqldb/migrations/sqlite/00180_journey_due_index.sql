-- +goose Up
-- The daily run reads the active enrolments whose next check has come (or
-- was never set) as ranges of this index, next_check leading: its cost
-- follows what is due, not the size of the book. It replaces the
-- (tenant, state, debtor, next_check, id) index, which made every run walk
-- every active enrolment's entry to find the due ones.
CREATE INDEX journey_enrolments_due ON journey_enrolments(tenant_id, next_check, debtor_id, id) WHERE state = 'active';
DROP INDEX journey_enrolments_check;

-- +goose Down
CREATE INDEX journey_enrolments_check ON journey_enrolments(tenant_id, state, debtor_id, next_check, id);
DROP INDEX journey_enrolments_due;

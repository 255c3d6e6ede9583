-- +goose Up
-- next_check is the next day an enrolment can need the planner (its next
-- step day, the day after a promise, …); NULL means "look at it". The
-- daily run skips the others through the index, so its cost follows what is
-- due, not the whole book.
ALTER TABLE journey_enrolments ADD COLUMN next_check DATE;
CREATE INDEX journey_enrolments_check ON journey_enrolments(tenant_id, state, debtor_id, next_check, id);

-- +goose Down
DROP INDEX journey_enrolments_check;
ALTER TABLE journey_enrolments DROP COLUMN next_check;

-- +goose Up
-- A booked payment updates its installment (paid, status) and its charge
-- (status, paid_at), none of them indexed columns: with room left on the
-- page PostgreSQL updates the row in place (HOT) instead of writing a new
-- version into every index. Rows written from now on leave that room.
ALTER TABLE installments SET (fillfactor = 85);
ALTER TABLE charges SET (fillfactor = 85);

-- +goose Down
ALTER TABLE installments RESET (fillfactor);
ALTER TABLE charges RESET (fillfactor);

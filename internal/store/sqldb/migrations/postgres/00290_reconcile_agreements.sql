-- +goose Up
-- Payments of agreement charges are booked on the agreement installment; a
-- queue item names the agreement installment it suggests or was assigned to.
ALTER TABLE reconcile_items ADD COLUMN agreement_installment_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE reconcile_items DROP COLUMN agreement_installment_id;

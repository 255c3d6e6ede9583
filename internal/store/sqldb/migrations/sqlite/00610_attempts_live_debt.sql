-- +goose Up
-- Attempts of no debt (receipts, agreement reminders) are never stopped by
-- debt, so they stay out of the index: a large return file plans a receipt
-- per payment, and each was one more index entry to write.
DROP INDEX attempts_live_debt;
CREATE INDEX attempts_live_debt ON attempts(tenant_id, debt_id) WHERE status IN ('planned', 'failed') AND debt_id <> 0;

-- +goose Down
DROP INDEX attempts_live_debt;
CREATE INDEX attempts_live_debt ON attempts(tenant_id, debt_id) WHERE status IN ('planned', 'failed');

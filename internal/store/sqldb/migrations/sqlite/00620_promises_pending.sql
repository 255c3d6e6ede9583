-- +goose Up
-- Booking a batch of payments asks which of its debtors have a pending
-- promise (DebtorsWithPendingPromises); pending promises are few beside
-- kept and unkept ones, so the partial index answers that from a small
-- index and stays small as promises are resolved.
CREATE INDEX promises_pending ON promises(tenant_id, debtor_id) WHERE status = 'pending';

-- +goose Down
DROP INDEX promises_pending;

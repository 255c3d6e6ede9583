-- +goose Up
-- Closing a batch looks items up by (batch, debt): duplicates of a debt
-- and the debts' subqueries; without this, closing is quadratic in the
-- batch size.
CREATE INDEX export_items_batch_debt ON export_items(tenant_id, batch_id, debt_id, id);

-- +goose Down
DROP INDEX export_items_batch_debt;

-- +goose Up
-- Agreement installments get an id of their own, so that billing can issue
-- boletos and PIX charges for them (store.OpenAmount.RefID).
CREATE TABLE agreement_installments_new (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    number       INTEGER NOT NULL,
    due_date     DATE NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    on_time      INTEGER NOT NULL CHECK (on_time >= 0),
    paid         INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'open',
    UNIQUE (tenant_id, agreement_id, number)
);
INSERT INTO agreement_installments_new (tenant_id, agreement_id, number, due_date, amount, on_time, paid, status)
    SELECT tenant_id, agreement_id, number, due_date, amount, on_time, paid, status FROM agreement_installments ORDER BY agreement_id, number;
DROP TABLE agreement_installments;
ALTER TABLE agreement_installments_new RENAME TO agreement_installments;

-- +goose Down
CREATE TABLE agreement_installments_old (
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    number       INTEGER NOT NULL,
    due_date     DATE NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    on_time      INTEGER NOT NULL CHECK (on_time >= 0),
    paid         INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'open',
    PRIMARY KEY (tenant_id, agreement_id, number)
);
INSERT INTO agreement_installments_old SELECT tenant_id, agreement_id, number, due_date, amount, on_time, paid, status FROM agreement_installments;
DROP TABLE agreement_installments;
ALTER TABLE agreement_installments_old RENAME TO agreement_installments;

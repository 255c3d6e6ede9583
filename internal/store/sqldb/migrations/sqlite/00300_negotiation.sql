-- +goose Up
-- Offer policies (políticas de oferta) per tenant: the policy file as JSON,
-- one row per version; the highest version is current.
CREATE TABLE offer_policies (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, version)
);
-- Agreements (acordos): an accepted offer with its own installments. doc is
-- the engine's agreement (terms, debt shares, breach rule) as JSON.
CREATE TABLE agreements (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    debtor_id      INTEGER NOT NULL,
    offer_id       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'active',
    made           DATE NOT NULL,
    negotiated     INTEGER NOT NULL,
    total          INTEGER NOT NULL,
    paid           INTEGER NOT NULL DEFAULT 0,
    policy_id      TEXT NOT NULL DEFAULT '',
    policy_version INTEGER NOT NULL DEFAULT 0,
    policy_doc     INTEGER NOT NULL DEFAULT 0,
    broken_on      DATE,
    first_breach   INTEGER NOT NULL DEFAULT 0,
    closed_on      DATE,
    doc            TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, debtor_id, offer_id)
);
CREATE INDEX agreements_status ON agreements(tenant_id, status, id);
CREATE INDEX agreements_debtor ON agreements(tenant_id, debtor_id, id);
CREATE TABLE agreement_debts (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    agreement_id    INTEGER NOT NULL REFERENCES agreements(id),
    debt_id         INTEGER NOT NULL,
    previous_status TEXT NOT NULL,
    PRIMARY KEY (tenant_id, agreement_id, debt_id)
);
CREATE INDEX agreement_debts_debt ON agreement_debts(tenant_id, debt_id);
CREATE TABLE agreement_installments (
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
-- Payments booked against an agreement; the money itself is a row of
-- payments (debt 0, installment 0), so every payment stays in one table.
CREATE TABLE agreement_payments (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    agreement_id INTEGER NOT NULL REFERENCES agreements(id),
    number       INTEGER NOT NULL,
    payment_id   INTEGER NOT NULL REFERENCES payments(id),
    amount       INTEGER NOT NULL,
    paid_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, payment_id)
);
CREATE INDEX agreement_payments_agreement ON agreement_payments(tenant_id, agreement_id, id);
-- Acceptance proof: who, when, channel, offer version and the exact text.
CREATE TABLE acceptances (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    agreement_id   INTEGER NOT NULL REFERENCES agreements(id),
    offer_id       TEXT NOT NULL,
    policy_id      TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    who            TEXT NOT NULL,
    who_kind       TEXT NOT NULL,
    channel        TEXT NOT NULL,
    at             TIMESTAMP NOT NULL,
    locale         TEXT NOT NULL,
    text           TEXT NOT NULL,
    text_sha256    TEXT NOT NULL,
    remote         TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, agreement_id)
);
-- Promises to pay (promessas de pagamento).
CREATE TABLE promises (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    debtor_id      INTEGER NOT NULL,
    debt_id        INTEGER NOT NULL DEFAULT 0,
    amount         INTEGER NOT NULL CHECK (amount > 0),
    promised       DATE NOT NULL,
    made           DATE NOT NULL,
    tolerance_days INTEGER NOT NULL DEFAULT 0,
    channel        TEXT NOT NULL,
    who            TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'pending',
    paid           INTEGER NOT NULL DEFAULT 0,
    kept_on        DATE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX promises_status ON promises(tenant_id, status, id);
CREATE INDEX promises_debtor ON promises(tenant_id, debtor_id, id);

-- +goose Down
DROP TABLE promises;
DROP TABLE acceptances;
DROP TABLE agreement_payments;
DROP TABLE agreement_installments;
DROP TABLE agreement_debts;
DROP TABLE agreements;
DROP TABLE offer_policies;

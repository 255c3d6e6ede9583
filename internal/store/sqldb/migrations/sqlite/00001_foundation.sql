-- +goose Up
CREATE TABLE tenants (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','supervisor','agent')),
    locale        TEXT NOT NULL DEFAULT 'pt-BR',
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX users_tenant ON users(tenant_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE creditors (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    ext_id    TEXT NOT NULL,
    name      TEXT NOT NULL,
    document  TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, ext_id)
);

CREATE TABLE portfolios (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    creditor_id INTEGER NOT NULL REFERENCES creditors(id),
    ext_id      TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, ext_id)
);

CREATE TABLE debtors (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    ext_id       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    document     TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    birth        DATE,
    locale       TEXT NOT NULL,
    time_zone    TEXT NOT NULL,
    zone_set     INTEGER NOT NULL DEFAULT 0,
    street       TEXT NOT NULL DEFAULT '',
    number       TEXT NOT NULL DEFAULT '',
    complement   TEXT NOT NULL DEFAULT '',
    district     TEXT NOT NULL DEFAULT '',
    city         TEXT NOT NULL DEFAULT '',
    municipality TEXT NOT NULL DEFAULT '',
    uf           TEXT NOT NULL DEFAULT '',
    cep          TEXT NOT NULL DEFAULT '',
    country      TEXT NOT NULL DEFAULT 'BR',
    bankrupt     INTEGER NOT NULL DEFAULT 0,
    deceased     INTEGER NOT NULL DEFAULT 0,
    represented  INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, ext_id)
);
CREATE INDEX debtors_document ON debtors(tenant_id, document);
CREATE INDEX debtors_name_key ON debtors(tenant_id, name_key);

CREATE TABLE contact_points (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    debtor_id      INTEGER NOT NULL REFERENCES debtors(id),
    kind           TEXT NOT NULL,
    value          TEXT NOT NULL,
    consent        TEXT NOT NULL DEFAULT 'unknown',
    consent_source TEXT NOT NULL DEFAULT '',
    consent_at     TIMESTAMP,
    preferred      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, debtor_id, kind, value)
);
CREATE INDEX contact_points_value ON contact_points(tenant_id, value);

CREATE TABLE debts (
    id                 INTEGER PRIMARY KEY,
    tenant_id          INTEGER NOT NULL REFERENCES tenants(id),
    portfolio_id       INTEGER NOT NULL REFERENCES portfolios(id),
    debtor_id          INTEGER NOT NULL REFERENCES debtors(id),
    contract_number    TEXT NOT NULL,
    product            TEXT NOT NULL DEFAULT '',
    origin_date        DATE,
    original_principal INTEGER NOT NULL,
    status             TEXT NOT NULL DEFAULT 'open',
    delay_reason       TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, portfolio_id, contract_number)
);
CREATE INDEX debts_debtor ON debts(tenant_id, debtor_id);
CREATE INDEX debts_contract ON debts(tenant_id, contract_number);

CREATE TABLE installments (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    debt_id   INTEGER NOT NULL REFERENCES debts(id),
    number    INTEGER NOT NULL,
    due_date  DATE NOT NULL,
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    paid      INTEGER NOT NULL DEFAULT 0,
    status    TEXT NOT NULL DEFAULT 'open',
    UNIQUE (tenant_id, debt_id, number)
);
CREATE INDEX installments_due ON installments(tenant_id, due_date);

CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    debtor_id      INTEGER NOT NULL,
    debt_id        INTEGER NOT NULL DEFAULT 0,
    installment_id INTEGER NOT NULL DEFAULT 0,
    source         TEXT NOT NULL,
    source_ref     TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    paid_at        TIMESTAMP NOT NULL,
    booked_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, source, source_ref)
);
CREATE INDEX payments_debtor ON payments(tenant_id, debtor_id);

CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    debtor_id INTEGER NOT NULL,
    debt_id   INTEGER NOT NULL DEFAULT 0,
    kind      TEXT NOT NULL,
    at        TIMESTAMP NOT NULL,
    actor     TEXT NOT NULL DEFAULT '',
    summary   TEXT NOT NULL DEFAULT '',
    data      TEXT
);
CREATE INDEX events_debtor ON events(tenant_id, debtor_id, id);

CREATE TABLE import_runs (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    portfolio_id INTEGER NOT NULL,
    file_name    TEXT NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    rows_read    INTEGER NOT NULL DEFAULT 0,
    inserted     INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX import_runs_tenant ON import_runs(tenant_id, id);

CREATE TABLE import_rejects (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    run_id    INTEGER NOT NULL REFERENCES import_runs(id),
    line      INTEGER NOT NULL,
    col       TEXT NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX import_rejects_run ON import_rejects(tenant_id, run_id, line);

-- +goose Down
DROP TABLE import_rejects;
DROP TABLE import_runs;
DROP TABLE events;
DROP TABLE payments;
DROP TABLE installments;
DROP TABLE debts;
DROP TABLE contact_points;
DROP TABLE debtors;
DROP TABLE portfolios;
DROP TABLE creditors;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE tenants;

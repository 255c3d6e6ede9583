-- +goose Up
-- The creditor's collection account at its bank (conta de cobrança) and its
-- Pix receiving key: what a boleto's campo livre and a BR Code are made of.
CREATE TABLE billing_accounts (
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    creditor_id      INTEGER NOT NULL,
    bank             TEXT NOT NULL DEFAULT '',
    agency           TEXT NOT NULL DEFAULT '',
    account          TEXT NOT NULL DEFAULT '',
    wallet           TEXT NOT NULL DEFAULT '',
    agreement        TEXT NOT NULL DEFAULT '',
    pix_key          TEXT NOT NULL DEFAULT '',
    beneficiary_name TEXT NOT NULL DEFAULT '',
    beneficiary_doc  TEXT NOT NULL DEFAULT '',
    city             TEXT NOT NULL DEFAULT '',
    updated_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, creditor_id)
);

-- Nosso número sequence per tenant and bank: the last number handed out.
CREATE TABLE our_number_seq (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    bank      TEXT NOT NULL,
    last      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, bank)
);

-- A charge is one PIX code or boleto issued for an open amount: an
-- installment or (ref_kind 'agreement_installment') an agreement's
-- installment. A reissue (2ª via) marks the older active charge of the same
-- reference and kind 'superseded'; it stays payable.
CREATE TABLE charges (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    debtor_id      INTEGER NOT NULL,
    debt_id        INTEGER NOT NULL DEFAULT 0,
    ref_kind       TEXT NOT NULL,
    ref_id         INTEGER NOT NULL,
    installment_id INTEGER NOT NULL DEFAULT 0,
    kind           TEXT NOT NULL CHECK (kind IN ('pix','boleto')),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    due_date       DATE,
    status         TEXT NOT NULL DEFAULT 'active',
    txid           TEXT NOT NULL DEFAULT '',
    bank           TEXT NOT NULL DEFAULT '',
    our_number     TEXT NOT NULL DEFAULT '',
    barcode        TEXT NOT NULL DEFAULT '',
    digitable      TEXT NOT NULL DEFAULT '',
    brcode         TEXT NOT NULL DEFAULT '',
    location       TEXT NOT NULL DEFAULT '',
    superseded_by  INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    paid_at        TIMESTAMP
);
CREATE UNIQUE INDEX charges_txid ON charges(tenant_id, txid) WHERE txid <> '';
CREATE UNIQUE INDEX charges_our_number ON charges(tenant_id, bank, our_number) WHERE our_number <> '';
CREATE INDEX charges_ref ON charges(tenant_id, ref_kind, ref_id, kind);
CREATE INDEX charges_debtor ON charges(tenant_id, debtor_id, id);

-- Payments that did not book by themselves, for a supervisor to work.
CREATE TABLE reconcile_items (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    source         TEXT NOT NULL,
    source_ref     TEXT NOT NULL,
    reason         TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    received       INTEGER NOT NULL,
    paid_at        TIMESTAMP NOT NULL,
    charge_id      INTEGER NOT NULL DEFAULT 0,
    debtor_id      INTEGER NOT NULL DEFAULT 0,
    installment_id INTEGER NOT NULL DEFAULT 0,
    payment_id     INTEGER NOT NULL DEFAULT 0,
    txid           TEXT NOT NULL DEFAULT '',
    end_to_end_id  TEXT NOT NULL DEFAULT '',
    bank           TEXT NOT NULL DEFAULT '',
    our_number     TEXT NOT NULL DEFAULT '',
    payer_document TEXT NOT NULL DEFAULT '',
    payer_name     TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'open',
    resolution     TEXT NOT NULL DEFAULT '',
    resolved_by    TEXT NOT NULL DEFAULT '',
    resolved_at    TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, source, source_ref)
);
CREATE INDEX reconcile_items_open ON reconcile_items(tenant_id, status, id);

-- Money a debtor has with the creditor beyond what was owed (overpayment,
-- or a payment a supervisor kept as credit). Refunds write negative rows.
CREATE TABLE debtor_credits (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    debtor_id  INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    source     TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, source, source_ref)
);
CREATE INDEX debtor_credits_debtor ON debtor_credits(tenant_id, debtor_id);

-- Return files booked, by content hash: the same file twice books nothing.
CREATE TABLE return_files (
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    file_id     TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    bank        TEXT NOT NULL DEFAULT '',
    records     INTEGER NOT NULL DEFAULT 0,
    booked      INTEGER NOT NULL DEFAULT 0,
    queued      INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'processing',
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    PRIMARY KEY (tenant_id, file_id)
);

-- Stopping a debt's live attempts on payment finds them by debt.
CREATE INDEX attempts_live_debt ON attempts(tenant_id, debt_id) WHERE status IN ('planned', 'failed');

-- +goose Down
DROP INDEX attempts_live_debt;
DROP TABLE return_files;
DROP TABLE debtor_credits;
DROP TABLE reconcile_items;
DROP TABLE charges;
DROP TABLE our_number_seq;
DROP TABLE billing_accounts;

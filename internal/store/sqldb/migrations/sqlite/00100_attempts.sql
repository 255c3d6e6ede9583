-- +goose Up
CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    debtor_id    INTEGER NOT NULL,
    debt_id      INTEGER NOT NULL DEFAULT 0,
    enrolment_id INTEGER NOT NULL DEFAULT 0,
    step_id      TEXT NOT NULL DEFAULT '',
    anchor_date  DATE,
    channel      TEXT NOT NULL,
    template     TEXT NOT NULL DEFAULT '',
    variant      TEXT NOT NULL DEFAULT '',
    payload      TEXT,
    status       TEXT NOT NULL DEFAULT 'planned',
    due_at       TIMESTAMP NOT NULL,
    decision     TEXT,
    policy_ver   TEXT NOT NULL DEFAULT '',
    tries        INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    provider_ref TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP
);
-- Planning is idempotent per (enrolment, step, anchor date); manual attempts
-- (enrolment 0) carry a unique step_id of their own.
CREATE UNIQUE INDEX attempts_plan_key ON attempts(tenant_id, enrolment_id, step_id, anchor_date);
CREATE INDEX attempts_due ON attempts(status, due_at);
CREATE INDEX attempts_debtor ON attempts(tenant_id, debtor_id, id);

-- +goose Down
DROP TABLE attempts;

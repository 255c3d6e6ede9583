-- +goose Up
-- Status reports of providers (delivered, read, failed, replied, clicked)
-- about sent attempts, kept once per (attempt, dedupe key): a provider that
-- repeats a callback records nothing new. The outcome itself goes to
-- journey_outcomes (branches read it there) in the same transaction.
CREATE TABLE channel_callbacks (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    attempt_id   INTEGER NOT NULL,
    provider     TEXT NOT NULL,
    provider_ref TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    dedupe_key   TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    received_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, attempt_id, dedupe_key)
);

-- Callbacks that name only the provider's message id find the attempt by
-- it (across tenants: the callback carries none). Partial, so that planned
-- attempts (no reference yet) cost the planner nothing.
CREATE INDEX attempts_provider_ref ON attempts(provider_ref) WHERE provider_ref <> '';

-- +goose Down
DROP INDEX attempts_provider_ref;
DROP TABLE channel_callbacks;

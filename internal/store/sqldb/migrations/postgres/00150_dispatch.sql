-- +goose Up
-- Dispatch claims attempts with a lease: lease_token names the claim (one
-- per claimed batch), lease_until is when another worker may take the
-- attempt over after a crash. send_decision is the contact-policy decision
-- taken at send time (decision keeps the one of plan time).
ALTER TABLE attempts ADD COLUMN lease_token TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE attempts ADD COLUMN send_decision TEXT;
CREATE INDEX attempts_lease ON attempts(lease_until) WHERE status = 'sending';

-- Kill switches: while a row exists, nothing of the tenant's channel
-- (scope 'channel') or journey (scope 'journey', value the journey key) is
-- sent; its attempts wait with status 'held'.
CREATE TABLE dispatch_pauses (
    tenant_id  BIGINT NOT NULL REFERENCES tenants(id),
    scope      TEXT NOT NULL,
    value      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, scope, value)
);

-- Rate limits that hold across processes: one token bucket per (tenant,
-- key), key 'channel:sms' or 'provider:<name>', refilled lazily by whoever
-- takes tokens.
CREATE TABLE dispatch_limits (
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id),
    key         TEXT NOT NULL,
    rate        DOUBLE PRECISION NOT NULL,
    burst       DOUBLE PRECISION NOT NULL,
    tokens      DOUBLE PRECISION NOT NULL,
    refilled_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

-- +goose Down
DROP TABLE dispatch_limits;
DROP TABLE dispatch_pauses;
DROP INDEX attempts_lease;
ALTER TABLE attempts DROP COLUMN send_decision;
ALTER TABLE attempts DROP COLUMN lease_until;
ALTER TABLE attempts DROP COLUMN lease_token;

-- +goose Up
CREATE TABLE journeys (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft',
    current_version INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, key)
);

CREATE TABLE journey_versions (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    journey_id INTEGER NOT NULL REFERENCES journeys(id),
    version    INTEGER NOT NULL,
    definition TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, journey_id, version)
);

CREATE TABLE journey_enrolments (
    id             INTEGER PRIMARY KEY,
    tenant_id      INTEGER NOT NULL REFERENCES tenants(id),
    journey_id     INTEGER NOT NULL,
    version_id     INTEGER NOT NULL,
    debtor_id      INTEGER NOT NULL,
    debt_id        INTEGER NOT NULL,
    variant        TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL DEFAULT 'active',
    stop_reason    TEXT NOT NULL DEFAULT '',
    anchor_kind    TEXT NOT NULL DEFAULT 'due',
    anchor_date    DATE,
    recurrence     INTEGER NOT NULL DEFAULT 0,
    score          INTEGER NOT NULL DEFAULT 0,
    agreement      INTEGER NOT NULL DEFAULT 0,
    promised_until DATE,
    wants_person   INTEGER NOT NULL DEFAULT 0,
    enrolled_on    DATE NOT NULL,
    ended_on       DATE,
    created_at     TIMESTAMP NOT NULL
);
-- One live enrolment per debt; the planner walks active ones in debtor order.
CREATE UNIQUE INDEX journey_enrolments_live ON journey_enrolments(tenant_id, debt_id) WHERE state = 'active';
CREATE INDEX journey_enrolments_plan ON journey_enrolments(tenant_id, state, debtor_id, id);
CREATE INDEX journey_enrolments_journey ON journey_enrolments(tenant_id, journey_id, variant);

CREATE TABLE journey_links (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    token        TEXT NOT NULL UNIQUE,
    debtor_id    INTEGER NOT NULL,
    enrolment_id INTEGER NOT NULL,
    step_id      TEXT NOT NULL,
    anchor_date  DATE,
    target       TEXT NOT NULL,
    clicks       INTEGER NOT NULL DEFAULT 0,
    first_click  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, enrolment_id, step_id, anchor_date)
);

CREATE TABLE journey_outcomes (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants(id),
    attempt_id   INTEGER NOT NULL DEFAULT 0,
    enrolment_id INTEGER NOT NULL,
    step_id      TEXT NOT NULL,
    anchor_date  DATE,
    outcome      TEXT NOT NULL,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX journey_outcomes_enrolment ON journey_outcomes(tenant_id, enrolment_id);

CREATE TABLE journey_plan_runs (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
    day         DATE NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    scanned     INTEGER NOT NULL DEFAULT 0,
    candidates  INTEGER NOT NULL DEFAULT 0,
    planned     INTEGER NOT NULL DEFAULT 0,
    stopped     INTEGER NOT NULL DEFAULT 0,
    paused      INTEGER NOT NULL DEFAULT 0,
    moved       INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX journey_plan_runs_tenant ON journey_plan_runs(tenant_id, id);

-- +goose Down
DROP TABLE journey_plan_runs;
DROP TABLE journey_outcomes;
DROP TABLE journey_links;
DROP TABLE journey_enrolments;
DROP TABLE journey_versions;
DROP TABLE journeys;

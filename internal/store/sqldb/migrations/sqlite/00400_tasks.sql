-- +goose Up
-- Agent call tasks: one per "call" attempt (origin 'attempt:<id>') or per
-- callback asked for on an earlier task (origin 'callback:<task id>').
CREATE TABLE agent_tasks (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants(id),
    origin        TEXT NOT NULL,
    attempt_id    INTEGER NOT NULL DEFAULT 0,
    parent_id     INTEGER NOT NULL DEFAULT 0,
    debtor_id     INTEGER NOT NULL,
    debt_id       INTEGER NOT NULL DEFAULT 0,
    enrolment_id  INTEGER NOT NULL DEFAULT 0,
    priority      INTEGER NOT NULL,
    queue         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    contact_id    INTEGER NOT NULL DEFAULT 0,
    due_from      TIMESTAMP NOT NULL,
    due_until     TIMESTAMP,
    script        TEXT NOT NULL DEFAULT '',
    template      TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    journey       TEXT NOT NULL DEFAULT '',
    step          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'open',
    agent_id      INTEGER NOT NULL DEFAULT 0,
    claimed_at    TIMESTAMP,
    closed_at     TIMESTAMP,
    outcome       TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    callback_at   TIMESTAMP,
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, origin)
);
-- The queue: open tasks by priority then due time.
CREATE INDEX agent_tasks_queue ON agent_tasks(tenant_id, priority, due_from, id) WHERE status = 'open';
CREATE INDEX agent_tasks_agent ON agent_tasks(tenant_id, agent_id, status);
CREATE INDEX agent_tasks_debtor ON agent_tasks(tenant_id, debtor_id);

-- Letters: the rendered text and the PDF as sent, grouped by print day.
CREATE TABLE letters (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    attempt_id INTEGER NOT NULL,
    debtor_id  INTEGER NOT NULL,
    debt_id    INTEGER NOT NULL DEFAULT 0,
    batch_date DATE NOT NULL,
    recipient  TEXT NOT NULL,
    address    TEXT NOT NULL,
    creditor   TEXT NOT NULL DEFAULT '',
    contract   TEXT NOT NULL DEFAULT '',
    locale     TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    reference  TEXT NOT NULL DEFAULT '',
    pdf        BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    printed_at TIMESTAMP,
    UNIQUE (tenant_id, attempt_id)
);
CREATE INDEX letters_batch ON letters(tenant_id, batch_date, id);

-- Agency exports: items wait with batch_id 0 (the target's open batch)
-- until the batch is closed and written.
CREATE TABLE export_batches (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    target    TEXT NOT NULL,
    as_of     DATE NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    exported  INTEGER NOT NULL DEFAULT 0,
    dropped   INTEGER NOT NULL DEFAULT 0,
    actor     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE export_items (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants(id),
    attempt_id INTEGER NOT NULL,
    target     TEXT NOT NULL,
    debtor_id  INTEGER NOT NULL,
    debt_id    INTEGER NOT NULL,
    batch_id   INTEGER NOT NULL DEFAULT 0,
    status     TEXT NOT NULL DEFAULT 'pending',
    reason     TEXT NOT NULL DEFAULT '',
    added_at   TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, attempt_id)
);
CREATE INDEX export_items_batch ON export_items(tenant_id, target, batch_id);

-- +goose Down
DROP TABLE export_items;
DROP TABLE export_batches;
DROP TABLE letters;
DROP TABLE agent_tasks;

-- PipeOne export v1 tables (DESIGN 3.1) plus the store's own tables (DESIGN 3.2).
-- The large tables carry no PRIMARY KEY index: the importer deduplicates each batch and
-- upserts by hash join, and ops writes new UUIDs, so ids stay unique without an ART index
-- that would cost memory on 10M rows.

CREATE TABLE contacts (
    contact_id  VARCHAR NOT NULL,
    name        VARCHAR,
    phone       VARCHAR,          -- as given in the export or by the user
    phone_e164  VARCHAR,          -- normalized when phonenumbers parses it as a valid number
    phone_valid BOOLEAN,          -- NULL when there is no phone; FALSE when present and invalid
    email       VARCHAR,
    created_at  TIMESTAMPTZ,
    attributes  JSON              -- every other column of the export, and custom attributes
);

CREATE TABLE agents (
    agent_id VARCHAR PRIMARY KEY,
    name     VARCHAR NOT NULL,
    email    VARCHAR,
    role     VARCHAR NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'manager', 'admin')),
    team     VARCHAR,
    active   BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE conversations (
    conversation_id VARCHAR NOT NULL,
    contact_id      VARCHAR NOT NULL,
    created_at      TIMESTAMPTZ,
    assignee_id     VARCHAR,      -- assignee given by the export; events override it
    status          VARCHAR       -- status snapshot given by the export (DESIGN 4.2)
);

CREATE TABLE messages (
    message_id      VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL,
    contact_id      VARCHAR,
    channel         VARCHAR NOT NULL,   -- sms, whatsapp, webchat, email, instagram, messenger, telegram, other
    direction       VARCHAR NOT NULL,   -- inbound, outbound
    sent_at         TIMESTAMPTZ NOT NULL,
    sender_type     VARCHAR NOT NULL,   -- contact, agent, automation, note
    agent_id        VARCHAR,
    body            VARCHAR,
    template_id     VARCHAR,
    attachments     JSON
);

CREATE TABLE events (
    event_id        VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL,
    "at"            TIMESTAMPTZ NOT NULL,  -- reserved word in DuckDB 2: always write "at" quoted
    actor_id        VARCHAR,
    kind            VARCHAR NOT NULL,   -- assigned, status_changed, resolved, reopened
    value           VARCHAR             -- assignee id, or the new status
);

CREATE TABLE tickets (
    ticket_id       VARCHAR PRIMARY KEY,
    conversation_id VARCHAR NOT NULL,
    resolved_at     TIMESTAMPTZ NOT NULL,
    resolved_by     VARCHAR,
    type            VARCHAR NOT NULL CHECK (type IN ('question', 'incident', 'problem', 'task')),
    category        VARCHAR,            -- category_id; may be unknown or inactive, never dropped
    note            VARCHAR
);

CREATE TABLE categories (
    category_id VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE templates (
    template_id VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    body        VARCHAR NOT NULL,
    channel     VARCHAR,
    attachments JSON
);

CREATE TABLE import_runs (
    run_id      BIGINT PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    source      VARCHAR NOT NULL,
    format      VARCHAR NOT NULL,
    timezone    VARCHAR NOT NULL,
    files       JSON,                 -- [{file, sha256, bytes}]
    counts      JSON,                 -- {table: {read, inserted, updated, unchanged, rejected}}
    rows_read   BIGINT NOT NULL DEFAULT 0,
    inserted    BIGINT NOT NULL DEFAULT 0,
    updated     BIGINT NOT NULL DEFAULT 0,
    unchanged   BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE import_rejects (
    run_id      BIGINT NOT NULL,
    table_name  VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    line        BIGINT,
    column_name VARCHAR,
    reason      VARCHAR NOT NULL,
    raw         VARCHAR
);

CREATE TABLE audit_log (
    audit_id    VARCHAR PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL,
    actor_id    VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    target_type VARCHAR NOT NULL,
    target_id   VARCHAR NOT NULL,
    before      JSON,
    after       JSON
);

CREATE TABLE outbox (
    outbox_id       VARCHAR PRIMARY KEY,
    created_at      TIMESTAMPTZ NOT NULL,
    conversation_id VARCHAR NOT NULL,
    contact_id      VARCHAR NOT NULL,
    message_id      VARCHAR NOT NULL,
    agent_id        VARCHAR NOT NULL,
    channel         VARCHAR NOT NULL,
    template_id     VARCHAR,
    body            VARCHAR NOT NULL,
    attachments     JSON,
    encoding        VARCHAR,            -- GSM-7 or UCS-2 for sms
    segments        INTEGER,
    status          VARCHAR NOT NULL DEFAULT 'queued'
);

CREATE TABLE settings (
    key        VARCHAR PRIMARY KEY,
    value      JSON,
    updated_at TIMESTAMPTZ,
    updated_by VARCHAR
);

CREATE TABLE report_runs (
    run_id           VARCHAR PRIMARY KEY,
    name             VARCHAR NOT NULL,
    period_start     DATE,
    period_end       DATE,
    params           JSON,
    status           VARCHAR NOT NULL,   -- running, ok, failed
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    duration_seconds DOUBLE,
    html_path        VARCHAR,
    notebook_path    VARCHAR,
    error            VARCHAR
);

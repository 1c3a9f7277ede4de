-- The status fold's results (DESIGN 4.2) as derived tables, built by pipeone_analytics.derived.status.refresh:
-- Store.migrate fills them right after this migration, and every writer of messages, events, conversations or
-- tickets refreshes the conversations it touched in the same transaction. Each row holds the fold over every
-- input of its conversation; `horizon` is the latest time among those inputs, so for any as_of >= horizon
-- the state as of as_of is the stored row (readers fold the conversations with horizon > as_of).

CREATE TABLE conversation_state (
    conversation_id      VARCHAR NOT NULL,
    contact_id           VARCHAR,
    status               VARCHAR NOT NULL,     -- new, in_progress, on_hold, resolved
    status_since         TIMESTAMPTZ,          -- when it entered that status
    assignee_id          VARCHAR,
    cycle                BIGINT NOT NULL,      -- 1-based
    reopens              BIGINT NOT NULL,      -- cycle - 1
    unanswered           BOOLEAN NOT NULL,
    last_activity_at     TIMESTAMPTZ,
    first_message_at     TIMESTAMPTZ,          -- notes excluded
    last_message_at      TIMESTAMPTZ,
    messages_in          BIGINT NOT NULL,
    messages_out         BIGINT NOT NULL,
    last_channel         VARCHAR,
    last_ticket_type     VARCHAR,              -- of the latest ticket, by (resolved_at, ticket_id)
    last_ticket_category VARCHAR,
    horizon              TIMESTAMPTZ NOT NULL  -- latest sent_at, "at", created_at, resolved_at of the conversation
);

CREATE TABLE status_changes (
    conversation_id VARCHAR NOT NULL,
    n               BIGINT NOT NULL,           -- order in the fold; 0 for the start
    ts              TIMESTAMPTZ NOT NULL,
    status          VARCHAR NOT NULL,          -- the status entered
    actor_id        VARCHAR,                   -- the event's actor; NULL for a move made by a message or snapshot
    cause           VARCHAR NOT NULL,          -- start, set, reopen, progress
    cycle           BIGINT NOT NULL,
    left_status     VARCHAR,                   -- the status left; NULL for the start
    horizon         TIMESTAMPTZ NOT NULL       -- the conversation's (conversation_state.horizon)
);

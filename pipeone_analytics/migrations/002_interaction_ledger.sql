-- The interaction ledger (DESIGN 4.1) as a derived table: one row per response, built by
-- pipeone_analytics.derived.refresh_ledger. Store.migrate fills it right after this migration, and every
-- writer of messages or conversations refreshes the conversations it touched in the same transaction.
-- The ledger as of T is the rows with to_at <= T. Nothing that depends on a setting (timezone, business
-- hours) is stored here.

CREATE TABLE interaction_ledger (
    conversation_id VARCHAR NOT NULL,
    contact_id      VARCHAR,              -- of the response message, else of its conversation
    direction       VARCHAR NOT NULL,     -- agent_reply, contact_reply
    from_message_id VARCHAR NOT NULL,     -- first message of the turn answered
    from_at         TIMESTAMPTZ NOT NULL,
    to_message_id   VARCHAR NOT NULL,     -- first message of the response turn
    to_at           TIMESTAMPTZ NOT NULL,
    channel         VARCHAR NOT NULL,     -- of the response
    agent_id        VARCHAR,              -- sender of an agent reply; for a contact reply, of the turn answered
    seconds         DOUBLE NOT NULL       -- to_at - from_at
);

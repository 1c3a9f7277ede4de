-- Each contact's engagement counts (DESIGN 4.4) as derived tables, built by pipeone_analytics.derived.engagement:
-- per (contact, conversation, channel) from every message and interaction ledger row, and their sum per contact.
-- Store.migrate fills them right after this migration, and every writer of messages or conversations refreshes
-- the conversations it touched (and so their contacts' totals) in the same transaction. The counts are those of
-- ratings() as of any time at or after last_at. same_day depends on the timezone, so each row records the one
-- it was computed in (the writer's session TimeZone, which the store sets to the account timezone).

CREATE TABLE contact_engagement (
    contact_id      VARCHAR,            -- of the message, else of its conversation (NULL when neither is known)
    conversation_id VARCHAR NOT NULL,
    channel         VARCHAR NOT NULL,
    messages        BIGINT NOT NULL,    -- every message, notes included (readers check the table is complete)
    rated_messages  BIGINT NOT NULL,    -- messages other than notes
    last_at         TIMESTAMPTZ,        -- latest sent_at of those (NULL when only notes): the row's horizon
    sent            BIGINT NOT NULL,    -- outbound by an agent or an automation
    received        BIGINT NOT NULL,    -- inbound by the contact
    interactions    BIGINT NOT NULL,    -- interaction ledger rows whose response is one of these messages
    same_day        BIGINT NOT NULL,    -- of those, both messages on one local calendar day in `timezone`
    within_30m      BIGINT NOT NULL,    -- of those, seconds <= 1800
    within_2h       BIGINT NOT NULL,    -- of those, seconds <= 7200
    timezone        VARCHAR NOT NULL    -- the timezone same_day was computed in
);

-- The rows above summed per contact with a message other than a note (contact_id not NULL).
CREATE TABLE contact_engagement_totals (
    contact_id   VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,      -- main channel: most messages, then latest, then name
    last_at      TIMESTAMPTZ NOT NULL,  -- the latest of the contact's last_at: the totals hold as of any later time
    sent         BIGINT NOT NULL,
    received     BIGINT NOT NULL,
    interactions BIGINT NOT NULL,
    same_day     BIGINT NOT NULL,
    within_30m   BIGINT NOT NULL,
    within_2h    BIGINT NOT NULL,
    timezone     VARCHAR                -- the rows' timezone; NULL when they were computed in several
);

-- Each contact's engagement counts per conversation and channel, from every message up to now (DESIGN 4.4), as a
-- derived table: built by pipeone_analytics.derived.engagement. Store.migrate fills it right after this migration,
-- and every writer of messages or conversations refreshes the conversations it touched in the same transaction.
-- The counts are those of ratings() as of any time at or after last_at. same_day depends on the timezone,
-- so each row records the one it was computed in (the writer's session TimeZone, the account timezone).

CREATE TABLE contact_engagement (
    contact_id         VARCHAR,            -- of the message, else of its conversation (NULL when neither is known)
    conversation_id    VARCHAR NOT NULL,
    channel            VARCHAR NOT NULL,
    messages           BIGINT NOT NULL,    -- every message, notes included (readers check the table is complete)
    rated_messages     BIGINT NOT NULL,    -- messages other than notes
    last_at            TIMESTAMPTZ,        -- latest sent_at of those (NULL when only notes): the row's horizon
    sent               BIGINT NOT NULL,    -- outbound by an agent or an automation
    received           BIGINT NOT NULL,    -- inbound by the contact
    interactions       BIGINT NOT NULL,    -- interaction ledger rows whose response is one of these messages
    same_day           BIGINT NOT NULL,    -- of those, both messages on one local calendar day in `timezone`
    within_30m         BIGINT NOT NULL,    -- of those, seconds <= 1800
    within_2h          BIGINT NOT NULL,    -- of those, seconds <= 7200
    timezone           VARCHAR NOT NULL    -- the timezone same_day was computed in
);

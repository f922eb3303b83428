-- Each study's raw events, in a partition of its own (created by the sink when the study first
-- receives data), so that completing a study's analysis can drop all of its raw data at once.
--
-- (study_id, id) is the key: an event id is stored once per study however often it is sent or
-- redelivered. participant is the study pseudonym, never the platform-wide participant id.
--
-- Export order and cursor: (tx, seq). Several sinks write one study concurrently, so seq alone does
-- not follow commit order; tx is the writing transaction's id, and an export reads only rows of
-- transactions older than every transaction still running (pg_snapshot_xmin). No row can later
-- appear before a cursor already handed out, so `after=<cursor>` never skips an event.

CREATE SEQUENCE IF NOT EXISTS rally_study_event_seq AS bigint;

CREATE TABLE IF NOT EXISTS rally_study_events (
    study_id       text        NOT NULL,
    id             uuid        NOT NULL,
    tx             xid8        NOT NULL DEFAULT pg_current_xact_id(),
    seq            bigint      NOT NULL DEFAULT nextval('rally_study_event_seq'),
    participant    text        NOT NULL,
    type           text        NOT NULL,
    collected_at   timestamptz NOT NULL,
    received_at    timestamptz NOT NULL,
    private_window boolean     NOT NULL,
    payload        text        NOT NULL,
    CONSTRAINT rally_study_events_pk PRIMARY KEY (study_id, id)
) PARTITION BY LIST (study_id);

CREATE INDEX IF NOT EXISTS rally_study_events_cursor ON rally_study_events (study_id, tx, seq);
CREATE INDEX IF NOT EXISTS rally_study_events_participant ON rally_study_events (study_id, participant);

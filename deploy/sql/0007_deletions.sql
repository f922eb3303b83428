-- What has been deleted from the study stores, so that nothing comes back: an event of a participant
-- who left a study (received before the request), or of a study whose raw data was dropped, that
-- reaches a sink afterwards (in flight in the stream, or redelivered) is not stored. A participant who
-- enrolls again later sends new data, received after the request, which is kept. Inserts and deletions of one participant's
-- data in one study are serialized by an advisory lock on (study, participant), so a deletion can
-- never miss rows that an insert is about to commit.

CREATE TABLE IF NOT EXISTS rally_deleted_participants (
    study_id    text        NOT NULL,
    participant    text        NOT NULL, -- the study pseudonym
    deleted_before timestamptz NOT NULL, -- when the request was made: events received until then are gone
    CONSTRAINT rally_deleted_participants_pk PRIMARY KEY (study_id, participant)
);

CREATE TABLE IF NOT EXISTS rally_dropped_studies (
    study_id   text        NOT NULL,
    dropped_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rally_dropped_studies_pk PRIMARY KEY (study_id)
);

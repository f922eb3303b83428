-- How many events each deletion request removed, written in the same transaction as the removal. A request
-- whose removal committed but whose ledger entry could not be updated (a database outage, a silo dying
-- in between) is tried again; the retry removes nothing more and reads the count from here, so the ledger
-- always shows what the request actually deleted. No personal data: a request id, a study, a count.

CREATE TABLE IF NOT EXISTS rally_deletion_receipts (
    deletion_id    uuid        NOT NULL,
    study_id       text        NOT NULL,
    deleted_events bigint      NOT NULL,
    deleted_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rally_deletion_receipts_pk PRIMARY KEY (deletion_id)
);

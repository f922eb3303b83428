-- Study events keep their JWE as bytes (jwe: Rally.Grains.Ingestion.JweBytes, which gives the uploaded text back
-- exactly), a quarter smaller than its base64url text in the table and in the WAL. Rows stored before keep their
-- text in payload and are read as they are: nothing is rewritten, so the migration is a catalogue change however
-- large the studies. Each row holds one of the two (checked for new rows; the old ones all have payload).
--
-- Upgrade the silos before the API fronts: only silos from this version on read batches whose events carry bytes.

ALTER TABLE rally_study_events ADD COLUMN IF NOT EXISTS jwe bytea;
ALTER TABLE rally_study_events ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE rally_study_events ALTER COLUMN jwe SET COMPRESSION lz4;

DO $$
DECLARE
    partition regclass;
BEGIN
    -- PostgreSQL 15 does not pass SET COMPRESSION on to existing partitions (later ones inherit it).
    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'rally_study_events'::regclass LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN jwe SET COMPRESSION lz4', partition);
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = 'rally_study_events'::regclass AND conname = 'rally_study_events_one_payload') THEN
        -- NOT VALID: existing rows are not scanned (they all have payload, which was NOT NULL).
        ALTER TABLE rally_study_events ADD CONSTRAINT rally_study_events_one_payload
            CHECK ((payload IS NULL) <> (jwe IS NULL)) NOT VALID;
    END IF;
END
$$;

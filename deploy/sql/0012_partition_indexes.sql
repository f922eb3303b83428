-- Study events' indexes without the study id. Each partition holds one study, yet every index entry began with its
-- 43-character id: 44 bytes more per entry, in each of three indexes, written to the WAL with every event.
--
-- The event id is unique within its partition (a unique index of each partition, made with the partition:
-- PostgresStudyEventStore.PartitionDdl; a unique index of the partitioned table would have to hold the study id).
-- The export cursor (tx, seq) and the deletion's pseudonym stay indexes of the partitioned table, so that every
-- partition has them whoever creates it. No index holds study_id any more, so no plan can meet `study_id = $1`
-- through an index that has to read a whole partition to answer it (as an unanalysed partition's plans once did).
--
-- Upgrade the silos before the API fronts. A silo from before this version cannot insert once it has run (its
-- ON CONFLICT (study_id, id) names the key dropped here): its batches stay queued and are stored by an upgraded silo.
-- Each existing partition's indexes are built here, once, in the migration's transaction (writes to the study
-- tables wait for it).

DO $$
DECLARE
    partition regclass;
    name text;
BEGIN
    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'rally_study_events'::regclass LOOP
        name := (SELECT relname FROM pg_class WHERE oid = partition);
        EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON %s (id)', name || '_id', partition);
    END LOOP;
END
$$;

ALTER TABLE rally_study_events DROP CONSTRAINT IF EXISTS rally_study_events_pk;
DROP INDEX IF EXISTS rally_study_events_cursor;
DROP INDEX IF EXISTS rally_study_events_participant;
CREATE INDEX IF NOT EXISTS rally_study_events_tx_seq ON rally_study_events (tx, seq);
CREATE INDEX IF NOT EXISTS rally_study_events_pseudonym ON rally_study_events (participant);

-- The stream's queued batches are compressed with lz4 when they are stored out of line (TOAST). Each message holds
-- one upload: ~50 events whose JWE protected headers begin alike (alg, enc, the study key's kid, epk's kty and crv)
-- and whose fields are framed alike, which lz4 finds within the message and pglz would not (pglz gives up unless it
-- saves a quarter; 0005 stored the payload uncompressed for that reason). The ciphertext itself does not compress,
-- and lz4 passes over it at memory speed. Applies to messages queued from now on.
--
-- The study table's JWE column gets lz4 too: pglz would be tried, and fail, on every row large enough to be TOASTed.
-- Partitions created later take the column's compression from the partitioned table; PostgreSQL 15 does not pass it
-- on to the partitions that exist already, so each is altered as well (no rewrite: a catalogue change).
ALTER TABLE rally_stream_messages ALTER COLUMN payload SET STORAGE EXTENDED;
ALTER TABLE rally_stream_messages ALTER COLUMN payload SET COMPRESSION lz4;
ALTER TABLE rally_study_events ALTER COLUMN payload SET COMPRESSION lz4;
DO $$
DECLARE
    partition regclass;
BEGIN
    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'rally_study_events'::regclass LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN payload SET COMPRESSION lz4', partition);
    END LOOP;
END
$$;

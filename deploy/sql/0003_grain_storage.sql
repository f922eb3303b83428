-- Grain storage: one row per (service, state name, grain), holding the grain's state as UTF-8 JSON.
--
-- Identity: the provider sends two hashes (signed, and they can collide) with the full identity. The
-- hashes lead the index; every query also matches the full identity, including the key extension,
-- where NULL must equal NULL (IS NOT DISTINCT FROM; NULLS NOT DISTINCT in the unique constraint).
-- grain_type holds the storage state name ([PersistentState("name")]), not the grain's CLR type.
--
-- Versioning (the ETag): a first write inserts version 1 only if no row exists; each later write, clear
-- or delete applies only if the stored version is the one the grain read, and moves it on. Every write
-- query returns exactly one row whose single column is the new version, or NULL when nothing changed:
-- the provider reads NULL as a conflict and throws InconsistentStateException.

CREATE TABLE IF NOT EXISTS rally_grain_state (
    grain_id_hash      integer     NOT NULL,
    grain_type_hash    integer     NOT NULL,
    service_id         text        NOT NULL,
    grain_type         text        NOT NULL,
    grain_id_n0        bigint      NOT NULL, -- Guid keys: the Guid's two halves; integer keys: 0 and the key;
    grain_id_n1        bigint      NOT NULL, -- string keys: 0 and 0
    grain_id_extension text        NULL,     -- string keys: the key; otherwise the key extension, if any
    payload_binary     bytea       NULL,     -- UTF-8 JSON; NULL once the state is cleared
    version            integer     NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rally_grain_state_identity UNIQUE NULLS NOT DISTINCT
        (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Zero rows (no record) or one row.
('ReadFromStorageKey', $sql$
SELECT payload_binary AS "PayloadBinary",
       version        AS "Version"
FROM rally_grain_state
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
$sql$),

-- NULL @GrainStateVersion: the grain saw no record, so insert version 1 unless a row exists (ON CONFLICT
-- DO NOTHING also settles two concurrent first writes). Otherwise update only the row still at that version.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE rally_grain_state
    SET payload_binary = @PayloadBinary,
        version = version + 1,
        modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version
), inserted AS (
    INSERT INTO rally_grain_state (grain_id_hash, grain_type_hash, service_id, grain_type,
                                   grain_id_n0, grain_id_n1, grain_id_extension, payload_binary, version)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString,
           @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted) AS "NewGrainStateVersion"
$sql$),

-- Keeps the row (so the version keeps counting) with no payload.
('ClearStorageKey', $sql$
WITH cleared AS (
    UPDATE rally_grain_state
    SET payload_binary = NULL,
        version = version + 1,
        modified_at = now()
    WHERE version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
$sql$),

-- Used instead of ClearStorageKey when a provider sets DeleteStateOnClear (Rally does not). Returns the
-- deleted version + 1, which differs from the version sent, as success requires.
('DeleteStorageKey', $sql$
WITH deleted AS (
    DELETE FROM rally_grain_state
    WHERE version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version
)
SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion"
$sql$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

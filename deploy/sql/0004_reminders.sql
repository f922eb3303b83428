-- Reminders: durable timers of grains, one row per (service, grain, reminder name). Each silo reads the
-- reminders whose grain hash falls in its slice of the hash ring; grain_hash is the grain's uniform hash
-- as a signed integer, so ranges compare signed.

CREATE TABLE IF NOT EXISTS rally_reminder (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL, -- GrainId.ToString()
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL, -- the provider sends an int while the period fits, a bigint after
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL, -- the ETag: 0 when created, +1 on every upsert
    CONSTRAINT rally_reminder_pk PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS rally_reminder_hash ON rally_reminder (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('ReadReminderRowsKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM rally_reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
$sql$),

('ReadReminderRowKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM rally_reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
  AND reminder_name = @ReminderName
$sql$),

-- The range (BeginHash, EndHash] when it does not wrap around.
('ReadRangeRows1Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM rally_reminder
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash
  AND grain_hash <= @EndHash
$sql$),

-- The range that wraps around the ring: above BeginHash, or up to EndHash.
('ReadRangeRows2Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM rally_reminder
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$),

-- Insert or replace; returns the new version.
('UpsertReminderRowKey', $sql$
INSERT INTO rally_reminder (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = EXCLUDED.start_time,
    period_ms = EXCLUDED.period_ms,
    grain_hash = EXCLUDED.grain_hash,
    version = rally_reminder.version + 1
RETURNING version AS "Version"
$sql$),

-- Deletes only the version the caller read; one boolean row: whether it did.
('DeleteReminderRowKey', $sql$
WITH deleted AS (
    DELETE FROM rally_reminder
    WHERE service_id = @ServiceId
      AND grain_id = @GrainId
      AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted) AS "Deleted"
$sql$),

-- Every reminder of the service (Orleans uses it in tests only).
('DeleteReminderRowsKey', $sql$
DELETE FROM rally_reminder
WHERE service_id = @ServiceId
$sql$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

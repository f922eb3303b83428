-- Deletion without clocks. Each enrollment has a pseudonym of its own, so carrying out a participant's
-- deletion request blocks that pseudonym outright (deleted_before NULL): an event sent under it that reaches
-- a sink afterwards (in flight in the stream, or redelivered) is never stored, whatever its received_at, and
-- a later enrollment (a new pseudonym) is not affected. Rows from before this migration keep their cut-off
-- (deleted_before), as their pseudonyms may still be in use.
--
-- A row is needed only while something sent under its pseudonym could still arrive: the silos prune rows
-- older than Rally:Streams:ExpiryTimeout + Rally:Streams:MaxDeliveryTime + Rally:Deletions:InFlightMargin
-- (deleted_on, the database's clock), and the dead letters of those pseudonyms with them.

ALTER TABLE rally_deleted_participants ALTER COLUMN deleted_before DROP NOT NULL;
ALTER TABLE rally_deleted_participants ADD COLUMN IF NOT EXISTS deleted_on timestamptz NOT NULL DEFAULT now();
CREATE INDEX IF NOT EXISTS rally_deleted_participants_deleted_on ON rally_deleted_participants (deleted_on);

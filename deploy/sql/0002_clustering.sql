-- Clustering: the membership table of Orleans' silos (who is in the cluster, and alive) and the
-- gateway list Orleans clients read. One cluster per deployment_id (ClusterOptions.ClusterId).
--
-- Concurrency rests on the cluster's version alone: every conditional write checks that version and
-- bumps it in the same statement, so of two silos writing against one version only the first wins.

CREATE TABLE IF NOT EXISTS rally_membership_version (
    deployment_id text        NOT NULL,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rally_membership_version_pk PRIMARY KEY (deployment_id)
);

CREATE TABLE IF NOT EXISTS rally_membership (
    deployment_id   text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL, -- 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead
    proxy_port      integer     NOT NULL DEFAULT 0, -- the gateway port; 0 = not a gateway
    suspect_times   text        NULL, -- "silo,time|silo,time", written and parsed by Orleans only
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    CONSTRAINT rally_membership_pk PRIMARY KEY (deployment_id, address, port, generation),
    -- Deleting a cluster's version row deletes its members too (DeleteMembershipTableEntriesKey).
    CONSTRAINT rally_membership_version_fk FOREIGN KEY (deployment_id)
        REFERENCES rally_membership_version (deployment_id) ON DELETE CASCADE
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the cluster's version row if absent; one boolean row: whether it was created.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO rally_membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS "Created"
$sql$),

-- The version row LEFT JOIN its members: always at least one row (the provider throws on none), and a
-- cluster without members is exactly one row whose StartTime is NULL.
('MembershipReadAllKey', $sql$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM rally_membership_version v
LEFT JOIN rally_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$sql$),

-- Same shape as MembershipReadAllKey, for one silo; the silo's conditions sit in the join so that the
-- version row comes back even when the silo is unknown.
('MembershipReadRowKey', $sql$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM rally_membership_version v
LEFT JOIN rally_membership m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$sql$),

-- One statement: bump the version only if it is still @Version and the silo has no row yet, and insert
-- the row only if the bump happened. A concurrent writer of the same version waits on the version row's
-- lock, then finds the version changed and writes nothing. One boolean row: success.
('InsertMembershipKey', $sql$
WITH bumped AS (
    UPDATE rally_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId
      AND version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM rally_membership
          WHERE deployment_id = @DeploymentId
            AND address = @Address
            AND port = @Port
            AND generation = @Generation)
    RETURNING deployment_id
), inserted AS (
    INSERT INTO rally_membership (deployment_id, address, port, generation, silo_name, host_name,
                                  status, proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted) AS "Inserted"
$sql$),

-- One statement: bump the version only if it is still @Version and the silo's row exists, and update
-- the row only if the bump happened. One boolean row: success.
('UpdateMembershipKey', $sql$
WITH bumped AS (
    UPDATE rally_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId
      AND version = @Version
      AND EXISTS (
          SELECT 1 FROM rally_membership
          WHERE deployment_id = @DeploymentId
            AND address = @Address
            AND port = @Port
            AND generation = @Generation)
    RETURNING deployment_id
), updated AS (
    UPDATE rally_membership m
    SET status = @Status,
        suspect_times = @SuspectTimes,
        i_am_alive_time = @IAmAliveTime
    FROM bumped b
    WHERE m.deployment_id = b.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM updated) AS "Updated"
$sql$),

-- The heartbeat: no version check and no bump (it is not a membership change). Key spelled as Orleans does.
('UpdateIAmAlivetimeKey', $sql$
UPDATE rally_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
$sql$),

-- The members go with the version row (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM rally_membership_version
WHERE deployment_id = @DeploymentId
$sql$),

-- Silos that stopped heart-beating before @IAmAliveTime and are not Active (3).
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM rally_membership
WHERE deployment_id = @DeploymentId
  AND i_am_alive_time < @IAmAliveTime
  AND status <> 3
$sql$),

-- What Orleans clients connect to: silos in @Status (Active) that run a gateway.
('GatewaysQueryKey', $sql$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
FROM rally_membership
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0
$sql$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Streaming: the durable queue of Orleans' ADO.NET stream provider, which carries each accepted upload
-- (one message: a batch of events, ~80 KB) from the API fronts to the study sinks; the dead letters it
-- gives up on; and, per queue, when it last evicted.
--
-- A message lives for moments: inserted by a front (QueueStreamMessageKey), claimed by the silo that
-- pulls its queue (GetStreamMessagesKey: Dequeued + 1, hidden for VisibilityTimeout), deleted once
-- delivered (ConfirmStreamMessagesKey, with the Dequeued it was claimed with as its receipt). The
-- queue table is built for that churn:
-- - one index, the primary key, which is also the claim order within a queue (MessageId ascending);
-- - the payload goes out of line (TOAST) uncompressed: it is mostly JWE ciphertext, which does not
--   compress, so trying would only cost CPU. A claim rewrites the small row and never the payload, and
--   changes no indexed column, so claims are HOT updates into the room the fillfactor leaves;
-- - autovacuum runs after a fixed number of dead rows, not a fraction of the (small) table.
--
-- Nothing is dropped silently: a message whose attempts are used up, or which expires undelivered,
-- moves to rally_stream_dead_letters with the reason, and stays there for RemovalTimeout (the silos
-- count the dead letters and warn when new ones appear).
--
-- Times are all now(): the start of the statement's own transaction, the database's clock, never the
-- silos'. Timeouts arrive as whole seconds.

CREATE TABLE IF NOT EXISTS rally_stream_messages (
    message_id  bigint      GENERATED ALWAYS AS IDENTITY, -- the order of the queue
    visible_on  timestamptz NOT NULL DEFAULT now(),       -- claimable from then on
    expires_on  timestamptz NOT NULL,                     -- dead-lettered if still here then
    created_on  timestamptz NOT NULL DEFAULT now(),
    modified_on timestamptz NOT NULL DEFAULT now(),
    dequeued    integer     NOT NULL DEFAULT 0,           -- claims so far: the receipt a confirmation must match
    service_id  text        NOT NULL,
    provider_id text        NOT NULL,
    queue_id    text        NOT NULL,                     -- "<provider name>-<n>"
    payload     bytea       NOT NULL,                     -- the serialized Orleans batch
    CONSTRAINT rally_stream_messages_pk PRIMARY KEY (service_id, provider_id, queue_id, message_id)
) WITH (
    fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 10000,
    toast.autovacuum_vacuum_scale_factor = 0,
    toast.autovacuum_vacuum_threshold = 50000
);

ALTER TABLE rally_stream_messages ALTER COLUMN payload SET STORAGE EXTERNAL;

-- What operators look at: every message the provider gave up on, why and when, with its payload so that
-- it can be inspected or queued again by hand. Rows go after remove_on.
CREATE TABLE IF NOT EXISTS rally_stream_dead_letters (
    dead_letter_id   bigint      GENERATED ALWAYS AS IDENTITY, -- increasing: "new since" is a simple comparison
    service_id       text        NOT NULL,
    provider_id      text        NOT NULL,
    queue_id         text        NOT NULL,
    message_id       bigint      NOT NULL,
    reason           text        NOT NULL,
    dequeued         integer     NOT NULL, -- how often it was claimed
    created_on       timestamptz NOT NULL, -- when it was queued
    expires_on       timestamptz NOT NULL,
    last_claimed_on  timestamptz NOT NULL, -- the queue row's modified_on: its last claim, failure or release
    dead_lettered_on timestamptz NOT NULL DEFAULT now(),
    remove_on        timestamptz NOT NULL,
    payload          bytea       NOT NULL,
    CONSTRAINT rally_stream_dead_letters_pk PRIMARY KEY (dead_letter_id),
    -- exhausted: claimed MaxAttempts times and never confirmed (each delivery failed or timed out);
    -- expired: still undelivered at expires_on.
    CONSTRAINT rally_stream_dead_letters_reason CHECK (reason IN ('exhausted', 'expired'))
);

CREATE INDEX IF NOT EXISTS rally_stream_dead_letters_removal
    ON rally_stream_dead_letters (service_id, provider_id, queue_id, remove_on);

-- One row per queue: when its messages were last checked for eviction. It makes eviction happen at most
-- once per EvictionInterval per queue, however many silos read the queue.
CREATE TABLE IF NOT EXISTS rally_stream_queues (
    service_id      text        NOT NULL,
    provider_id     text        NOT NULL,
    queue_id        text        NOT NULL,
    last_evicted_on timestamptz NOT NULL,
    CONSTRAINT rally_stream_queues_pk PRIMARY KEY (service_id, provider_id, queue_id)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- A new message: visible at once, never claimed, expiring after @ExpiryTimeout seconds.
('QueueStreamMessageKey', $sql$
INSERT INTO rally_stream_messages (service_id, provider_id, queue_id, expires_on, payload)
VALUES (@ServiceId, @ProviderId, @QueueId, now() + make_interval(secs => @ExpiryTimeout), @Payload)
RETURNING service_id  AS "ServiceId",
          provider_id AS "ProviderId",
          queue_id    AS "QueueId",
          message_id  AS "MessageId"
$sql$),

-- Claims up to @MaxCount visible, unexpired messages with attempts left, oldest first, skipping rows
-- another reader holds: each gets Dequeued + 1 and stays hidden for @VisibilityTimeout seconds.
--
-- Also the only eviction point. When the queue's last eviction is @EvictionInterval seconds old (or the
-- queue is new), the reader that moves last_evicted_on (one of any concurrent readers: the others wait
-- for its row lock, then see the new time) also moves up to @EvictionBatchSize messages that are not
-- held by a reader and are exhausted (Dequeued >= @MaxAttempts) or expired to the dead letters, kept
-- for @RemovalTimeout seconds, and deletes up to as many of the queue's dead letters past remove_on.
-- Evicted and claimed messages are disjoint, so one statement does both. Returned by MessageId.
--
-- The rows to claim (and to evict) are picked in a MATERIALIZED step, run once: a LIMIT ... SKIP LOCKED
-- subquery that the plan could re-scan would skip the rows this statement has just claimed and pick more.
('GetStreamMessagesKey', $sql$
WITH first_read AS (
    INSERT INTO rally_stream_queues (service_id, provider_id, queue_id, last_evicted_on)
    SELECT @ServiceId, @ProviderId, @QueueId, now()
    WHERE NOT EXISTS (
        SELECT 1 FROM rally_stream_queues
        WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId)
    ON CONFLICT DO NOTHING
    RETURNING 1
), interval_passed AS (
    UPDATE rally_stream_queues
    SET last_evicted_on = now()
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND last_evicted_on <= now() - make_interval(secs => @EvictionInterval)
    RETURNING 1
), evicting AS (
    SELECT 1 FROM first_read
    UNION ALL
    SELECT 1 FROM interval_passed
), to_evict AS MATERIALIZED (
    SELECT message_id FROM rally_stream_messages
    WHERE EXISTS (SELECT 1 FROM evicting)
      AND service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND visible_on <= now()
      AND (dequeued >= @MaxAttempts OR expires_on <= now())
    ORDER BY message_id
    LIMIT @EvictionBatchSize
    FOR UPDATE SKIP LOCKED
), evicted AS (
    DELETE FROM rally_stream_messages m
    USING to_evict e
    WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
      AND m.message_id = e.message_id
    RETURNING m.*
), dead_lettered AS (
    INSERT INTO rally_stream_dead_letters (service_id, provider_id, queue_id, message_id, reason, dequeued,
                                           created_on, expires_on, last_claimed_on, remove_on, payload)
    SELECT service_id, provider_id, queue_id, message_id,
           CASE WHEN dequeued >= @MaxAttempts THEN 'exhausted' ELSE 'expired' END,
           dequeued, created_on, expires_on, modified_on, now() + make_interval(secs => @RemovalTimeout), payload
    FROM evicted
), to_purge AS MATERIALIZED (
    SELECT dead_letter_id FROM rally_stream_dead_letters
    WHERE EXISTS (SELECT 1 FROM evicting)
      AND service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND remove_on <= now()
    ORDER BY remove_on
    LIMIT @EvictionBatchSize
), purged AS (
    DELETE FROM rally_stream_dead_letters d
    USING to_purge p
    WHERE d.dead_letter_id = p.dead_letter_id
), to_claim AS MATERIALIZED (
    SELECT message_id FROM rally_stream_messages
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND visible_on <= now()
      AND expires_on > now()
      AND dequeued < @MaxAttempts
    ORDER BY message_id
    LIMIT @MaxCount
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE rally_stream_messages m
    SET dequeued = m.dequeued + 1,
        visible_on = now() + make_interval(secs => @VisibilityTimeout),
        modified_on = now()
    FROM to_claim c
    WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
      AND m.message_id = c.message_id
    RETURNING m.*
)
SELECT service_id  AS "ServiceId",
       provider_id AS "ProviderId",
       queue_id    AS "QueueId",
       message_id  AS "MessageId",
       dequeued    AS "Dequeued",
       visible_on  AS "VisibleOn",
       expires_on  AS "ExpiresOn",
       created_on  AS "CreatedOn",
       modified_on AS "ModifiedOn",
       payload     AS "Payload"
FROM claimed
ORDER BY message_id
$sql$),

-- @Items is "id:dequeued|id:dequeued". A positive dequeued confirms delivery: the message is deleted if
-- it is still at that claim (a later claim by another reader makes the receipt stale). A negative one
-- releases a claim the reader gives up on (it is shutting down): the message, if still at that claim,
-- becomes visible at once, its Dequeued kept. Returns the messages confirmed or released.
('ConfirmStreamMessagesKey', $sql$
WITH receipts AS (
    SELECT split_part(item, ':', 1)::bigint  AS message_id,
           split_part(item, ':', 2)::integer AS dequeued
    FROM unnest(string_to_array(@Items, '|')) AS item
    ORDER BY 1 -- rows are locked in MessageId order, so two overlapping confirmations cannot deadlock
), confirmed AS (
    DELETE FROM rally_stream_messages m
    USING receipts r
    WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
      AND m.message_id = r.message_id
      AND r.dequeued > 0
      AND m.dequeued = r.dequeued
    RETURNING m.service_id, m.provider_id, m.queue_id, m.message_id
), released AS (
    UPDATE rally_stream_messages m
    SET visible_on = now(),
        modified_on = now()
    FROM receipts r
    WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
      AND m.message_id = r.message_id
      AND r.dequeued < 0
      AND m.dequeued = -r.dequeued
    RETURNING m.service_id, m.provider_id, m.queue_id, m.message_id
)
SELECT service_id AS "ServiceId", provider_id AS "ProviderId", queue_id AS "QueueId", message_id AS "MessageId"
FROM confirmed
UNION ALL
SELECT service_id, provider_id, queue_id, message_id
FROM released
$sql$),

-- A delivery failed: with attempts left the message becomes visible again at once; without, it moves to
-- the dead letters (exhausted), kept for @RemovalTimeout seconds.
('FailStreamMessageKey', $sql$
WITH retried AS (
    UPDATE rally_stream_messages
    SET visible_on = now(),
        modified_on = now()
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND message_id = @MessageId
      AND dequeued < @MaxAttempts
    RETURNING 1
), failed AS (
    DELETE FROM rally_stream_messages
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND message_id = @MessageId
      AND dequeued >= @MaxAttempts
    RETURNING *
)
INSERT INTO rally_stream_dead_letters (service_id, provider_id, queue_id, message_id, reason, dequeued,
                                       created_on, expires_on, last_claimed_on, remove_on, payload)
SELECT service_id, provider_id, queue_id, message_id, 'exhausted',
       dequeued, created_on, expires_on, modified_on, now() + make_interval(secs => @RemovalTimeout), payload
FROM failed
$sql$),

-- Required by the provider, which does not call it (GetStreamMessagesKey evicts): the same eviction as
-- there, without the interval, for up to @MaxCount messages.
('EvictStreamMessagesKey', $sql$
WITH to_evict AS MATERIALIZED (
    SELECT message_id FROM rally_stream_messages
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND visible_on <= now()
      AND (dequeued >= @MaxAttempts OR expires_on <= now())
    ORDER BY message_id
    LIMIT @MaxCount
    FOR UPDATE SKIP LOCKED
), evicted AS (
    DELETE FROM rally_stream_messages m
    USING to_evict e
    WHERE m.service_id = @ServiceId AND m.provider_id = @ProviderId AND m.queue_id = @QueueId
      AND m.message_id = e.message_id
    RETURNING m.*
)
INSERT INTO rally_stream_dead_letters (service_id, provider_id, queue_id, message_id, reason, dequeued,
                                       created_on, expires_on, last_claimed_on, remove_on, payload)
SELECT service_id, provider_id, queue_id, message_id,
       CASE WHEN dequeued >= @MaxAttempts THEN 'exhausted' ELSE 'expired' END,
       dequeued, created_on, expires_on, modified_on, now() + make_interval(secs => @RemovalTimeout), payload
FROM evicted
$sql$),

-- Required by the provider, which does not call it (GetStreamMessagesKey purges): deletes up to @MaxCount
-- of the queue's dead letters past remove_on.
('EvictStreamDeadLettersKey', $sql$
WITH to_purge AS MATERIALIZED (
    SELECT dead_letter_id FROM rally_stream_dead_letters
    WHERE service_id = @ServiceId AND provider_id = @ProviderId AND queue_id = @QueueId
      AND remove_on <= now()
    ORDER BY remove_on
    LIMIT @MaxCount
)
DELETE FROM rally_stream_dead_letters d
USING to_purge p
WHERE d.dead_letter_id = p.dead_letter_id
$sql$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

/**
 * The event store schema. `transaction_id` records the appending transaction so readers can
 * hold back everything at or after the oldest transaction still in flight
 * (`pg_snapshot_xmin(pg_current_snapshot())`); see SqlEventStore.readAll.
 */
export const EVENT_STORE_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS events (
     global_position  bigserial   PRIMARY KEY,
     transaction_id   xid8        NOT NULL DEFAULT pg_current_xact_id(),
     event_id         uuid        NOT NULL UNIQUE,
     stream_id        text        NOT NULL,
     stream_type      text        NOT NULL,
     stream_version   bigint      NOT NULL,
     type             text        NOT NULL,
     schema_version   integer     NOT NULL,
     occurred_at      timestamptz NOT NULL,
     recorded_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
     district_code    text,
     actor            text,
     command_id       text,
     correlation_id   text,
     idempotency_key  text,
     data             jsonb       NOT NULL,
     CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
   )`,
  `ALTER TABLE events ADD COLUMN IF NOT EXISTS actor_role text`,
  `ALTER TABLE events ADD COLUMN IF NOT EXISTS actor_scope text`,
  `CREATE INDEX IF NOT EXISTS events_commit_order ON events (transaction_id, global_position)`,
  `CREATE INDEX IF NOT EXISTS events_idempotency_key ON events (idempotency_key)
     WHERE idempotency_key IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS idempotency_keys (
     idempotency_key text        PRIMARY KEY,
     stream_id       text        NOT NULL,
     created_at      timestamptz NOT NULL DEFAULT now()
   )`,
  // The digest of the request that first used the key (null for keys claimed before it existed).
  `ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS request_fingerprint text`,
  `CREATE TABLE IF NOT EXISTS checkpoints (
     name            text        PRIMARY KEY,
     transaction_id  xid8        NOT NULL,
     global_position bigint      NOT NULL,
     updated_at      timestamptz NOT NULL DEFAULT now()
   )`,
];

import type { AnalyticsMigration } from './migration';

/**
 * Where each projector source has got to, written after the rows it covers. The newest row
 * per source wins; the store-tail source resumes from here, and the watermark reads it.
 */
export const projectionCheckpointsMigration: AnalyticsMigration = {
  id: 3,
  name: 'projection-checkpoints',
  statements: [
    `CREATE TABLE IF NOT EXISTS {db:Identifier}.projection_checkpoints (
       source           LowCardinality(String),
       transaction_id   UInt64,
       global_position  UInt64,
       last_recorded_at DateTime64(3, 'UTC'),
       updated_at       DateTime64(3, 'UTC')
     )
     ENGINE = ReplacingMergeTree(updated_at)
     ORDER BY source`,
  ],
};

import type { AnalyticsMigration } from './migration';

/** Who reported each event: the actor's role and org-unit scope (issue 3). */
export const eventActorScopeMigration: AnalyticsMigration = {
  id: 4,
  name: 'event-actor-scope',
  statements: [
    `ALTER TABLE {db:Identifier}.events
       ADD COLUMN IF NOT EXISTS actor_role LowCardinality(String) AFTER actor,
       ADD COLUMN IF NOT EXISTS actor_scope String AFTER actor_role`,
  ],
};

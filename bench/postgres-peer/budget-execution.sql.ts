import type { PeerIndicator } from './peer-indicator';

/**
 * 专项经费执行率 per programme of the fiscal year: every allocation of the programme, whenever
 * dated, net of revocations, over its budget.
 */
export const budgetExecutionPeer: PeerIndicator = {
  name: 'budget-execution',
  key: ['unit'],
  sql: `
WITH programmes AS (
  SELECT data->>'programmeId' AS programme_id, data->>'name' AS name, data->>'level' AS level,
         data->>'ownerCode' AS owner_code, (data->>'budgetFen')::bigint AS budget_fen
  FROM events
  WHERE type = 'ProgrammeBudgeted' AND (data->>'fiscalYear')::int = :schoolYear::int
),
net AS (
  SELECT data->>'programmeId' AS programme_id,
         sum(CASE WHEN type = 'AllocationRevoked' THEN -1 ELSE 1 END * (data->>'amountFen')::bigint)
           AS fen
  FROM events
  WHERE type IN ('FundsAllocated', 'AllocationRevoked')
    AND data->>'programmeId' IN (SELECT programme_id FROM programmes)
  GROUP BY 1
)
SELECT programme_id AS unit, name, level, owner_code,
       budget_fen::float8 / 100 AS budget_yuan,
       coalesce(fen, 0)::float8 / 100 AS allocated_yuan,
       CASE WHEN budget_fen > 0 THEN coalesce(fen, 0)::float8 / budget_fen * 100 END AS execution
FROM programmes
LEFT JOIN net USING (programme_id)
ORDER BY unit`,
};

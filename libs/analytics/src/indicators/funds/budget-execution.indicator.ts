import type { IndicatorDefinition } from '../indicator';

/**
 * 专项经费 budget execution, per programme of a fiscal year.
 *
 *   execution = Σ allocations − Σ revocations (recorded up to asOf) ÷ budget × 100
 *
 * - every allocation of the programme counts, whenever dated; a revocation takes its amount
 *   back. Amounts are kept in fen and shown in yuan.
 * - a programme is visible inside the scope of its owner (province, city or district code).
 * Parameters: schoolYear is read as the programme's fiscal year. Threshold: none by default.
 * Source: domain.md indicator 7; seed 004 (100,000 yuan to each of 6 schools, 50,000 to each
 * of 10, 80,000 to one: 1.18 million).
 */
const CONTRIBUTIONS = `WITH
programmes AS (
  SELECT programme_id, name, level, owner_code, fiscal_year, budget_fen, event_id
  FROM {db:Identifier}.fund_flows FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND type = 'budgeted'
    AND fiscal_year = {schoolYear:UInt16}
    AND startsWith(owner_code, {within:String})
    AND ({unit:String} = '' OR programme_id = {unit:String})
),
flows AS (
  SELECT programme_id, amount_fen, school_code, event_id
  FROM {db:Identifier}.fund_flows FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND type IN ('allocated', 'revoked')
    AND programme_id IN (SELECT programme_id FROM programmes)
)`;

export const budgetExecutionIndicator: IndicatorDefinition = {
  name: 'budget-execution',
  family: 'funds',
  title: '专项经费执行率',
  thresholdsInBrief: 'none',
  grains: ['programme'],
  byLevel: false,
  byGroup: false,
  byPeriod: false,
  figuresSql: `${CONTRIBUTIONS}
SELECT programme.programme_id AS unit,
       programme.name AS name,
       programme.level AS level,
       programme.owner_code AS owner_code,
       programme.budget_fen / 100 AS budget_yuan,
       ifNull(net.fen, 0) / 100 AS allocated_yuan,
       if(programme.budget_fen > 0, ifNull(net.fen, 0) / programme.budget_fen * 100, NULL) AS execution
FROM programmes AS programme
LEFT JOIN (SELECT programme_id, sum(amount_fen) AS fen FROM flows GROUP BY programme_id) AS net
  ON net.programme_id = programme.programme_id
ORDER BY unit`,
  eventsSql: `${CONTRIBUTIONS}
SELECT unit, school_code, '' AS level, measure, event_id
FROM (
  SELECT programme_id AS unit, '' AS school_code, 'budget' AS measure, toString(event_id) AS event_id
  FROM programmes
  UNION ALL
  SELECT programme_id, school_code, if(amount_fen >= 0, 'allocated', 'revoked'), toString(event_id)
  FROM flows
)
ORDER BY unit, measure, event_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
  headline: { column: 'execution', valueUnit: 'percent' },
};

import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { SCHOOL_PERIODS, attributedOn, holdersOn, unitOf } from '../sql-fragments';

/**
 * 结对帮扶 activity in a period (school year, month or term), per pairing, programme and area.
 *
 *   active pairings   = pairings active on at least one day of the period: from the start day
 *                       through the planned end day, or through the day before it ended
 *   exchanges, 人次    = lesson exchanges held under an active pairing in the period, Σ attendees
 *   rotations         = rotations started in the period between the pairing's two schools
 *   funds (yuan)      = net allocations for pairing activity to either school in the period,
 *                       each allocation counted once per unit
 *   weak schools paired = weak schools (薄弱学校) receiving an active pairing ÷ weak schools × 100
 *
 * - the planned end date is the pairing's last day; an early end (PairingEnded) takes effect on
 *   its day, so the pairing is not active from its end day on — the period the write side
 *   allows lesson exchanges in (`assertExchangeWithinPairing`, libs/domain pairing.ts).
 * - a pairing counts for the receiving school's district on the later of its start and the
 *   period start; a programme (百校扶百校) is the sum of its pairings, except for funds.
 * - funds: money goes to a school, not to a pairing. A school in several active pairings (a
 *   supporting school with two receiving schools) has its allocation shown under each of its
 *   pairings, so per-pairing funds do not add up; a programme's or an area's funds are the
 *   distinct allocations to the schools of its pairings, each counted once. (An allocation whose
 *   pairings lie in two areas counts once in each, and once in an area holding both.)
 * - weak schools are those registered, weak and open at the period end (per area only).
 * Threshold: none by default. Source: domain.md indicator 6; seed 000 (67 人次), seed 004
 * (372 exchange lessons, 38 lectures), seed 001 (eleven urban schools, eleven village schools).
 */
const CONTRIBUTIONS = withClauses(
  SCHOOL_PERIODS,
  holdersOn('to'),
  `
pairings AS (
  SELECT pairing_id,
         established.1 AS programme,
         established.2 AS supporting_school_code,
         established.3 AS receiving_school_code,
         established.4 AS receiving_district_code,
         established.5 AS start_date,
         -- The planned end day is still active; an ending is not: ended on day d, the pairing's
         -- last active day is d − 1 (ended on its start day, it was never active).
         ifNull(least(established.6, ended_on - 1), established.6) AS last_active_day,
         [established.7] AS established_ids,
         greatest(established.5, {from:Date}) AS attribution_day
  FROM (
    SELECT pairing_id,
           argMaxIf(tuple(programme, supporting_school_code, receiving_school_code,
                          receiving_district_code, start_date, end_date, toString(event_id)),
                    global_position, type = 'established') AS established,
           minIfOrNull(end_date, type = 'ended') AS ended_on,
           countIf(type = 'established') AS establishments
    FROM {db:Identifier}.pairing_changes FINAL
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
    GROUP BY pairing_id
  )
  WHERE establishments > 0 AND start_date <= {to:Date}
    AND last_active_day >= {from:Date} AND last_active_day >= start_date
)`,
  attributedOn(
    'pairings',
    'pairings',
    'receiving_school_code',
    'attribution_day',
    'receiving_district_code',
  ),
  `
exchanges AS (
  SELECT pairing_id, count() AS exchanges, sum(attendees) AS attendees,
         groupArray(toString(event_id)) AS ids
  FROM {db:Identifier}.lesson_exchanges FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND pairing_id != ''
    AND exchange_date BETWEEN {from:Date} AND {to:Date}
  GROUP BY pairing_id
)`,
  `
pair_rotations AS (
  SELECT pairing.pairing_id AS pairing_id, count() AS rotations,
         groupArray(toString(rotation.event_id)) AS ids
  FROM pairings AS pairing
  INNER JOIN (
    SELECT * FROM {db:Identifier}.teacher_rotations FINAL
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND type = 'started'
      AND event_date BETWEEN {from:Date} AND {to:Date}
  ) AS rotation
    ON (rotation.from_school_code = pairing.supporting_school_code
        AND rotation.to_school_code = pairing.receiving_school_code)
    OR (rotation.from_school_code = pairing.receiving_school_code
        AND rotation.to_school_code = pairing.supporting_school_code)
  GROUP BY pairing.pairing_id
)`,
  `
pairing_funds AS (
  -- The flows themselves, not their sum: a flow reaches every pairing of its school, and the
  -- totals above a pairing count each flow once (figures: groupUniqArrayArray).
  SELECT pairing.pairing_id AS pairing_id,
         groupArray((toString(flow.event_id), flow.amount_fen, flow.school_code)) AS flows
  FROM pairings AS pairing
  INNER JOIN (
    SELECT *,
           any(if(type = 'allocated', purpose, NULL)) OVER (PARTITION BY allocation_id) AS allocated_for
    FROM {db:Identifier}.fund_flows FINAL
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND type IN ('allocated', 'revoked')
  ) AS flow
    ON flow.school_code IN (pairing.supporting_school_code, pairing.receiving_school_code)
  WHERE flow.allocated_for = 'pairing-activity'
    AND flow.flow_date BETWEEN {from:Date} AND {to:Date}
  GROUP BY pairing.pairing_id
)`,
  `
contributions AS (
  SELECT pairing.pairing_id AS pairing_id,
         pairing.programme AS programme,
         pairing.receiving_school_code AS school_code,
         pairing.attributed_district AS district_code,
         1 AS pairings,
         ifNull(exchange.exchanges, 0) AS exchanges,
         ifNull(exchange.attendees, 0) AS attendees,
         ifNull(rotated.rotations, 0) AS rotations,
         CAST(funds.flows, 'Array(Tuple(String, Int64, String))') AS fund_flows,
         0 AS weak_schools,
         0 AS weak_schools_paired,
         arrayConcat(pairing.established_ids, exchange.ids, rotated.ids) AS event_ids
  FROM attributed_pairings AS pairing
  LEFT JOIN exchanges AS exchange ON exchange.pairing_id = pairing.pairing_id
  LEFT JOIN pair_rotations AS rotated ON rotated.pairing_id = pairing.pairing_id
  LEFT JOIN pairing_funds AS funds ON funds.pairing_id = pairing.pairing_id
  UNION ALL
  SELECT '', '', school.school_code, school.district_code, 0, 0, 0, 0, [], 1,
         school.school_code IN (SELECT receiving_school_code FROM pairings), []
  FROM holders_to AS school
  INNER JOIN (
    SELECT school_code, argMax(closed, valid_from) AS closed
    FROM school_periods WHERE valid_from <= {to:Date} GROUP BY school_code
  ) AS open_school ON open_school.school_code = school.school_code
  WHERE school.weak = 1 AND open_school.closed = 0 AND school.holder_code = school.school_code
)`,
  `
scoped AS (
  SELECT *,
         multiIf({grain:String} = 'pairing', pairing_id, {grain:String} = 'programme', programme,
                 ${unitOf('school_code', 'district_code')}) AS unit,
         'pairing' AS measure
  FROM contributions
  WHERE district_code != ''
    AND startsWith(district_code, {within:String})
    AND ({unit:String} = '' OR unit = {unit:String})
    AND unit != ''
)`,
);

export const pairingActivityIndicator: IndicatorDefinition = {
  name: 'pairing-activity',
  family: 'pairing',
  title: '结对帮扶活动',
  thresholdsInBrief: 'none',
  grains: ['pairing', 'programme', 'school', 'district', 'city', 'province'],
  byLevel: false,
  byGroup: false,
  byPeriod: true,
  figuresSql: `${CONTRIBUTIONS}
SELECT unit,
       toUInt32(sum(pairings)) AS active_pairings,
       toUInt32(sum(exchanges)) AS exchanges,
       toUInt32(sum(attendees)) AS attendees,
       toUInt32(sum(rotations)) AS rotations,
       -- Each allocation (or revocation) once, however many of the unit's pairings it reaches.
       arraySum(flow -> flow.2, groupUniqArrayArray(fund_flows)) / 100 AS funds_yuan,
       toUInt32(sum(weak_schools)) AS weak_schools,
       toUInt32(sum(weak_schools_paired)) AS weak_schools_paired,
       if(weak_schools > 0, weak_schools_paired / weak_schools * 100, NULL) AS weak_paired_share
FROM scoped
GROUP BY unit
ORDER BY unit`,
  eventsSql: `${CONTRIBUTIONS}
SELECT unit, school_code, '' AS level, measure, event_id
FROM (
  SELECT unit, school_code, measure, arrayJoin(event_ids) AS event_id
  FROM scoped
  UNION ALL
  -- An allocation once per unit, as the figure counts it, at the school that received it.
  SELECT DISTINCT unit, flow.3, 'funds', flow.1
  FROM scoped
  ARRAY JOIN fund_flows AS flow
)
ORDER BY school_code, event_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
  // A pairing has no weak-school share of its own: it shows its exchange lessons.
  headline: {
    column: (grain) =>
      grain === 'pairing' || grain === 'programme' ? 'exchanges' : 'weak_paired_share',
    valueUnit: (grain) => (grain === 'pairing' || grain === 'programme' ? 'count' : 'percent'),
  },
};

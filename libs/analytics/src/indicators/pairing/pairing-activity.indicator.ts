import { withClauses } from '../indicator';
import type { IndicatorDefinition } from '../indicator';
import { SCHOOL_PERIODS, attributedOn, holdersOn, unitOf } from '../sql-fragments';

/**
 * 结对帮扶 activity in a period (school year, month or term), per pairing, programme and area.
 *
 *   active pairings   = pairings with start ≤ period end and min(planned end, ended) ≥ period start
 *   exchanges, 人次    = lesson exchanges held under an active pairing in the period, Σ attendees
 *   rotations         = rotations started in the period between the pairing's two schools
 *   funds (yuan)      = net allocations for pairing activity to either school in the period
 *   weak schools paired = weak schools (薄弱学校) receiving an active pairing ÷ weak schools × 100
 *
 * - a pairing counts for the receiving school's district on the later of its start and the
 *   period start; a programme (百校扶百校) is the sum of its pairings.
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
         ifNull(least(established.6, ended_on), established.6) AS ends_on,
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
  WHERE establishments > 0 AND established.5 <= {to:Date} AND ifNull(least(established.6, ended_on), established.6) >= {from:Date}
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
  SELECT pairing.pairing_id AS pairing_id, sum(flow.amount_fen) / 100 AS yuan,
         groupArray(toString(flow.event_id)) AS ids
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
         ifNull(funds.yuan, 0) AS funds_yuan,
         0 AS weak_schools,
         0 AS weak_schools_paired,
         arrayConcat(pairing.established_ids, exchange.ids, rotated.ids, funds.ids) AS event_ids
  FROM attributed_pairings AS pairing
  LEFT JOIN exchanges AS exchange ON exchange.pairing_id = pairing.pairing_id
  LEFT JOIN pair_rotations AS rotated ON rotated.pairing_id = pairing.pairing_id
  LEFT JOIN pairing_funds AS funds ON funds.pairing_id = pairing.pairing_id
  UNION ALL
  SELECT '', '', school.school_code, school.district_code, 0, 0, 0, 0, 0, 1,
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
       sum(funds_yuan) AS funds_yuan,
       toUInt32(sum(weak_schools)) AS weak_schools,
       toUInt32(sum(weak_schools_paired)) AS weak_schools_paired,
       if(weak_schools > 0, weak_schools_paired / weak_schools * 100, NULL) AS weak_paired_share
FROM scoped
GROUP BY unit
ORDER BY unit`,
  eventsSql: `${CONTRIBUTIONS}
SELECT unit, school_code, '' AS level, measure, arrayJoin(event_ids) AS event_id
FROM scoped
ORDER BY school_code, event_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
};

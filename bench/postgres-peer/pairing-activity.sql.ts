import type { PeerIndicator } from './peer-indicator';
import { SCHOOL_PERIODS, districtOf, holdersOn, periodOn } from './sql';

/**
 * 结对帮扶 per district in the period: the pairings active on a day of it (start through the
 * planned end, or the day before an early end), counted at the receiving school's district on
 * the later of the pairing's start and the period's; their lesson exchanges and attendees in
 * the period, the rotations started in it between their two schools, the pairing-activity
 * allocations (net of revocations) to either school in it, each counted once per district; and
 * the weak schools open at the period's end, and how many of them receive an active pairing.
 */
export const pairingActivityPeer: PeerIndicator = {
  name: 'pairing-activity',
  key: ['unit'],
  sql: `
WITH RECURSIVE
${SCHOOL_PERIODS},
${holdersOn('end', ':to::date')},
established AS (
  SELECT DISTINCT ON (data->>'pairingId')
         data->>'pairingId' AS pairing_id,
         data->>'supportingSchoolCode' AS supporting_school_code,
         data->>'receivingSchoolCode' AS receiving_school_code,
         data->>'receivingDistrictCode' AS receiving_district_code,
         (data->>'startDate')::date AS start_date,
         (data->>'endDate')::date AS end_date
  FROM events
  WHERE type = 'PairingEstablished'
  ORDER BY data->>'pairingId', global_position DESC
),
pairings AS (
  SELECT established.*, greatest(start_date, :from::date) AS attribution_day
  FROM established
  LEFT JOIN (
    SELECT data->>'pairingId' AS pairing_id, min(event_date) AS ended_on
    FROM events WHERE type = 'PairingEnded' GROUP BY 1
  ) AS ended USING (pairing_id)
  CROSS JOIN LATERAL (
    SELECT CASE WHEN ended.ended_on IS NULL THEN end_date
                ELSE least(end_date, ended.ended_on - 1) END AS last_active_day
  ) AS active
  WHERE start_date <= :to::date AND last_active_day >= :from::date AND last_active_day >= start_date
),
attributed AS (
  SELECT pairing.*, ${districtOf('period', 'pairing.receiving_district_code')} AS unit
  FROM pairings AS pairing
  ${periodOn('period', 'pairing.receiving_school_code', 'pairing.attribution_day')}
),
exchanges AS (
  SELECT data->>'pairingId' AS pairing_id, count(*) AS exchanges,
         sum((data->>'attendees')::int) AS attendees
  FROM events
  WHERE type = 'LessonExchanged' AND event_date BETWEEN :from::date AND :to::date
    AND coalesce(data->>'pairingId', '') <> ''
  GROUP BY 1
),
rotations AS (
  -- Either way between the two schools: two equi-joins (an OR would rule out a hash join).
  SELECT pairing_id, count(*) AS rotations
  FROM (
    SELECT pairing.pairing_id
    FROM pairings AS pairing
    JOIN events AS rotation
      ON rotation.data->>'fromSchoolCode' = pairing.supporting_school_code
     AND rotation.to_school_code = pairing.receiving_school_code
    WHERE rotation.type = 'TeacherRotationStarted'
      AND rotation.event_date BETWEEN :from::date AND :to::date
    UNION ALL
    SELECT pairing.pairing_id
    FROM pairings AS pairing
    JOIN events AS rotation
      ON rotation.data->>'fromSchoolCode' = pairing.receiving_school_code
     AND rotation.to_school_code = pairing.supporting_school_code
    WHERE rotation.type = 'TeacherRotationStarted'
      AND rotation.event_date BETWEEN :from::date AND :to::date
  ) AS rotated
  GROUP BY pairing_id
),
pairing_flows AS (
  -- Allocations for pairing activity, and their revocations: a revocation names no purpose,
  -- its allocation's is the one of the allocation id.
  SELECT global_position, school_code, amount_fen
  FROM (
    SELECT global_position, school_code, event_date,
           CASE WHEN type = 'AllocationRevoked' THEN -1 ELSE 1 END * (data->>'amountFen')::bigint
             AS amount_fen,
           max(data->>'purpose') OVER (PARTITION BY data->>'allocationId') AS allocated_for
    FROM events
    WHERE type IN ('FundsAllocated', 'AllocationRevoked')
  ) AS flow
  WHERE allocated_for = 'pairing-activity' AND event_date BETWEEN :from::date AND :to::date
),
unit_funds AS (
  -- Each flow once per district, however many of its pairings it reaches (UNION: distinct).
  SELECT unit, sum(amount_fen) AS fen
  FROM (
    SELECT pairing.unit, flow.global_position, flow.amount_fen
    FROM attributed AS pairing
    JOIN pairing_flows AS flow ON flow.school_code = pairing.supporting_school_code
    UNION
    SELECT pairing.unit, flow.global_position, flow.amount_fen
    FROM attributed AS pairing
    JOIN pairing_flows AS flow ON flow.school_code = pairing.receiving_school_code
  ) AS reached
  GROUP BY unit
),
unit_pairings AS (
  SELECT pairing.unit, count(*) AS active_pairings,
         coalesce(sum(exchange.exchanges), 0) AS exchanges,
         coalesce(sum(exchange.attendees), 0) AS attendees,
         coalesce(sum(rotated.rotations), 0) AS rotations
  FROM attributed AS pairing
  LEFT JOIN exchanges AS exchange USING (pairing_id)
  LEFT JOIN rotations AS rotated USING (pairing_id)
  GROUP BY pairing.unit
),
weak AS (
  SELECT school.district_code AS unit, count(*) AS weak_schools,
         count(paired.receiving_school_code) AS weak_schools_paired
  FROM holders_end AS school
  LEFT JOIN (SELECT DISTINCT receiving_school_code FROM pairings) AS paired
    ON paired.receiving_school_code = school.school_code
  -- Not merged away (its own holder), so the holder's state is the school's own.
  WHERE school.weak AND NOT school.closed AND school.holder_code = school.school_code
  GROUP BY 1
)
SELECT unit,
       coalesce(active_pairings, 0)::int AS active_pairings,
       coalesce(exchanges, 0)::int AS exchanges,
       coalesce(attendees, 0)::int AS attendees,
       coalesce(rotations, 0)::int AS rotations,
       coalesce(fen, 0)::float8 / 100 AS funds_yuan,
       coalesce(weak_schools, 0)::int AS weak_schools,
       coalesce(weak_schools_paired, 0)::int AS weak_schools_paired,
       CASE WHEN weak_schools > 0 THEN weak_schools_paired::float8 / weak_schools * 100 END
         AS weak_paired_share
FROM unit_pairings
FULL JOIN weak USING (unit)
LEFT JOIN unit_funds USING (unit)
WHERE unit <> ''
ORDER BY unit`,
};

/**
 * What the PostgreSQL peer's queries share: named parameters, the school year of a date, the
 * urban-rural group of a code, the school hierarchy as periods, the school holding another's
 * history through merges, and each student's last movement up to a day. The rules are the
 * product's (libs/analytics/src/indicators/sql-fragments.ts, docs/indicators.md "Attribution");
 * the SQL is what an engineer would write over the event table, not a translation of the
 * ClickHouse text.
 *
 * The peer answers the questions the bench asks: every unit of the province, as of now (every
 * event recorded so far), with the default formula settings. It has no `asOf` cut, no `within`
 * and no group filter: none of the compared questions uses them.
 */

/** A query ready for `pg`: `$n` placeholders and their values. */
export interface PeerQuery {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * Turns `:name` placeholders into `$n` (the same name, the same `$n`), so that a query reads
 * with the names of the product's parameters. `::type` casts are left alone.
 */
export function bind(sql: string, parameters: Readonly<Record<string, unknown>>): PeerQuery {
  const positions = new Map<string, number>();
  const values: unknown[] = [];
  const text = sql.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_, name: string) => {
    if (!(name in parameters)) throw new Error(`PostgreSQL peer: no value for :${name}`);
    let position = positions.get(name);
    if (position === undefined) {
      values.push(parameters[name]);
      position = values.length;
      positions.set(name, position);
    }
    return `$${position}`;
  });
  return { text, values };
}

/** The student movements the indicators count (the product's `student_events`): no risk flags. */
export const MOVEMENTS = `'StudentEnrolled', 'StudentTransferred', 'StudentDroppedOut',
  'StudentReturned', 'StudentSuspended', 'StudentResumed', 'StudentRepeatedGrade',
  'StudentSkippedGrade', 'StudentGraduated', 'StudentDeceased'`;

/** The movements after which a student is on a register (在籍: enrolled or suspended). */
export const ON_REGISTER = `'StudentEnrolled', 'StudentTransferred', 'StudentReturned',
  'StudentSuspended', 'StudentResumed', 'StudentRepeatedGrade', 'StudentSkippedGrade'`;

/** 学年 of a date: 2024 is 2024-09-01 .. 2025-08-31. */
export const schoolYearOf = (date: string): string =>
  `(extract(year FROM ${date})::int - CASE WHEN extract(month FROM ${date}) >= 9 THEN 0 ELSE 1 END)`;

/**
 * The school year in which the class a student movement states graduates: every movement
 * states the grade of its day and the level's final grade, so the class is the one that reaches
 * the final grade  final grade − grade  years after the movement's school year. Indexed
 * (`events_student_class`): a cohort's movements are one value of it.
 */
export const GRADUATING_CLASS = `(${schoolYearOf('event_date')} + final_grade - grade)`;

/** 城区 / 镇区 / 乡村 from the statistical urban-rural code ('' when unknown). */
export const groupOf = (code: string): string =>
  `CASE WHEN ${code} IN ('111', '112') THEN 'urban' WHEN ${code} IN ('121', '122', '123') THEN 'town'
        WHEN ${code} IN ('210', '220') THEN 'rural' ELSE '' END`;

/**
 * `school_periods`: from `valid_from` until the day before `valid_until`, a school had this
 * district, urban-rural group, weak flag and (once merged) heir. Each hierarchy event sets only
 * what it changes, so each attribute is the last value set so far in effective-date order (a
 * change recorded later for the same day overrides): a run of rows starts at each change that
 * sets the attribute, and the run's first row holds its value. A few rows per school.
 */
export const SCHOOL_PERIODS = `
hierarchy_changes AS (
  SELECT school_code, event_date AS effective_on, global_position,
         CASE type WHEN 'SchoolRegistered' THEN data->>'districtCode'
                   WHEN 'SchoolMovedDistrict' THEN data->>'toDistrictCode' END AS district_code,
         CASE WHEN type IN ('SchoolRegistered', 'SchoolReclassified')
              THEN data->>'urbanRuralCode' END AS urban_rural_code,
         CASE WHEN type = 'SchoolRegistered' THEN (data->>'weak')::boolean END AS weak,
         CASE WHEN type = 'SchoolMerged' THEN data->>'intoSchoolCode' END AS merged_into,
         type IN ('SchoolMerged', 'SchoolClosed') AS closes
  FROM events
  WHERE type IN ('SchoolRegistered', 'SchoolReclassified', 'SchoolMovedDistrict', 'SchoolMerged',
                 'SchoolClosed')
),
hierarchy_runs AS (
  SELECT *,
         count(district_code) OVER history AS district_run,
         count(urban_rural_code) OVER history AS urban_rural_run,
         count(weak) OVER history AS weak_run,
         count(merged_into) OVER history AS merged_run,
         bool_or(closes) OVER history AS closed
  FROM hierarchy_changes
  WINDOW history AS (PARTITION BY school_code ORDER BY effective_on, global_position
                     ROWS UNBOUNDED PRECEDING)
),
hierarchy_states AS (
  SELECT school_code, effective_on, global_position, closed,
         first_value(district_code) OVER (PARTITION BY school_code, district_run
                                          ORDER BY effective_on, global_position) AS district_code,
         first_value(urban_rural_code) OVER (PARTITION BY school_code, urban_rural_run
                                             ORDER BY effective_on, global_position) AS urban_rural_code,
         first_value(weak) OVER (PARTITION BY school_code, weak_run
                                 ORDER BY effective_on, global_position) AS weak,
         first_value(merged_into) OVER (PARTITION BY school_code, merged_run
                                        ORDER BY effective_on, global_position) AS merged_into
  FROM hierarchy_runs
),
school_periods AS (
  SELECT school_code,
         valid_from,
         coalesce(lead(valid_from) OVER (PARTITION BY school_code ORDER BY valid_from),
                  'infinity'::date) AS valid_until,
         coalesce(district_code, '') AS district_code,
         ${groupOf('urban_rural_code')} AS urban_rural_group,
         coalesce(weak, false) AS weak,
         coalesce(merged_into, '') AS merged_into,
         closed
  FROM (
    SELECT DISTINCT ON (school_code, effective_on)
           school_code, effective_on AS valid_from, district_code, urban_rural_code, weak,
           merged_into, closed
    FROM hierarchy_states
    ORDER BY school_code, effective_on, global_position DESC
  ) AS last_of_day
)`;

/**
 * The hierarchy period of school `school` on `day`, as `alias` (LEFT JOIN: a school the
 * hierarchy does not know has none, and keeps the district its event named).
 */
export const periodOn = (alias: string, school: string, day: string): string =>
  `LEFT JOIN school_periods AS ${alias}
    ON ${alias}.school_code = ${school} AND ${day} >= ${alias}.valid_from AND ${day} < ${alias}.valid_until`;

/** The district a fact counts for: its school's on the day, else the one its event named. */
export const districtOf = (alias: string, named: string): string =>
  `CASE WHEN coalesce(${alias}.district_code, '') = '' THEN ${named} ELSE ${alias}.district_code END`;

/** The product's MERGE_HOPS: merge chains are followed five hops at most (a cycle stops there). */
const MERGE_HOPS = 5;

/**
 * `holders_<name>`: on `day`, the school holding each school's history (itself, or the end of
 * its merge chain) and that holder's district, group, weak flag and whether it is closed (empty
 * when the holder is unknown). `schools_<name>` is every school's state that day. Needs `WITH RECURSIVE`.
 */
export const holdersOn = (name: string, day: string): string => `
schools_${name} AS (
  SELECT school_code, district_code, urban_rural_group, weak, merged_into, closed
  FROM school_periods
  WHERE ${day} >= valid_from AND ${day} < valid_until
),
merge_chains_${name} (school_code, holder_code, hops) AS (
  SELECT school_code, school_code, 0 FROM schools_${name}
  UNION ALL
  SELECT chain.school_code, school.merged_into, chain.hops + 1
  FROM merge_chains_${name} AS chain
  JOIN schools_${name} AS school ON school.school_code = chain.holder_code
  WHERE school.merged_into <> '' AND chain.hops < ${MERGE_HOPS}
),
holders_${name} AS (
  SELECT DISTINCT ON (chain.school_code)
         chain.school_code, chain.holder_code,
         coalesce(heir.district_code, '') AS district_code,
         coalesce(heir.urban_rural_group, '') AS urban_rural_group,
         coalesce(heir.weak, false) AS weak,
         coalesce(heir.closed, false) AS closed
  FROM merge_chains_${name} AS chain
  LEFT JOIN schools_${name} AS heir ON heir.school_code = chain.holder_code
  ORDER BY chain.school_code, chain.hops DESC
)`;

/**
 * Each student's last movement dated up to `day` (ties: commit order), read in the order of
 * the index `events_student_movements`, which covers every column named here: an index-only
 * scan, no JSONB read. `global_position` leads back to the event when more is needed.
 */
export const lastMovementsOn = (day: string): string => `
    SELECT DISTINCT ON (student)
           student, global_position, type, school_code, to_school_code, level, grade,
           final_grade, event_date
    FROM events
    WHERE student IS NOT NULL AND type IN (${MOVEMENTS}) AND event_date <= ${day}
    ORDER BY student, event_date DESC, global_position DESC`;

/**
 * `register_<name>`: every student on a register (enrolled or suspended) at the end of `day`,
 * at the school of their last movement (the receiving one for a transfer), with their level
 * and their grade that day: the grade the movement stated, one more for each 1 September since,
 * held at the level's final grade.
 */
export const registerOn = (name: string, day: string): string => `
register_${name} AS (
  SELECT student,
         CASE WHEN type = 'StudentTransferred' THEN to_school_code ELSE school_code END AS school_code,
         level,
         least(final_grade, grade + greatest(0, ${schoolYearOf(day)} - ${schoolYearOf('event_date')}))
           AS grade
  FROM (${lastMovementsOn(day)}
  ) AS last_movement
  WHERE type IN (${ON_REGISTER})
)`;

/**
 * SQL shared by the indicator files. Every indicator query takes the same parameters
 * (indicator-parameters.ts); the fragments below read them by name.
 *
 * Attribution rules (docs/indicators.md, "Attribution"):
 * - a fact that happens on a day (a dropout, a rotation, an allocation, a report) counts for
 *   the school and district that held the school *on that day* (`attributedOn`);
 * - a snapshot (on the register on 1 September) counts for the school holding the student on
 *   the snapshot day, and a measure spanning a period (a cohort, a school year) for the school
 *   holding its members at the period's end: a school merged (撤并) before then hands its
 *   history to the school it was merged into, and on along a chain of mergers (`holdersOn`).
 * Only hierarchy events recorded up to `asOf` count, like every other fact.
 */

/** 学年 of a date: 2024 is 2024-09-01 .. 2025-08-31. */
export const schoolYearOf = (date: string): string =>
  `if(toMonth(${date}) >= 9, toYear(${date}), toYear(${date}) - 1)`;

/** 城区 / 镇区 / 乡村 from the statistical urban-rural code. */
export const urbanRuralGroupOf = (code: string): string =>
  `multiIf(${code} IN ('111', '112'), 'urban', ${code} IN ('121', '122', '123'), 'town', ${code} IN ('210', '220'), 'rural', '')`;

/**
 * The grade on the day `day` of a student whose last movement (in `grade`, on `date`) left them
 * on the register: one more for each 1 September since (升级), held at the level's final grade.
 * Every movement states the grade of its own day and the level's final grade (issue 14).
 */
export const gradeOnDay = (grade: string, finalGrade: string, date: string, day: string): string =>
  `toUInt8(least(${finalGrade}, ${grade} + greatest(0, ${schoolYearOf(day)} - ${schoolYearOf(date)})))`;

/** The unit a row rolls up to at the requested grain; city and province by code prefix. */
export const unitOf = (school: string, district: string): string =>
  `multiIf({grain:String} = 'school', ${school}, {grain:String} = 'district', ${district}, {grain:String} = 'city', substring(${district}, 1, 4), substring(${district}, 1, 2))`;

const HIERARCHY_FOLD = '/* the hierarchy folded as of a recorded time */';
const END_OF_HIERARCHY_FOLD = '/* end of the hierarchy fold */';
const HIERARCHY_FOLDS =
  /\/\* the hierarchy folded as of a recorded time \*\/[\s\S]*?\/\* end of the hierarchy fold \*\//g;

/**
 * The school hierarchy as periods: from `valid_from` on, a school had this district, urban-rural
 * code, level, weak flag, and (once merged or closed) `closed` and `merged_into`. Each change
 * sets only what it changes, so the state is the last value set so far, in effective-date order;
 * a change recorded later for the same day overrides.
 *
 * As written, the fold of `school_changes` recorded up to `asOf`; a question asked as of now
 * reads the same periods from the `school_periods` dimension the projector keeps
 * (school-periods.projection.ts folds them the same way), see `hierarchyAsOfNow`.
 */
export const SCHOOL_PERIODS = `
school_periods AS (
  ${HIERARCHY_FOLD}
  SELECT school_code,
         valid_from,
         argMax(ifNull(district_code, ''), global_position) AS district_code,
         argMax(ifNull(urban_rural_code, ''), global_position) AS urban_rural_code,
         argMax(ifNull(level, ''), global_position) AS level,
         argMax(ifNull(weak, 0), global_position) AS weak,
         argMax(ifNull(merged_into, ''), global_position) AS merged_into,
         argMax(closed, global_position) AS closed
  FROM (
    SELECT school_code,
           effective_on AS valid_from,
           global_position,
           last_value(nullIf(district_code, '')) IGNORE NULLS OVER history AS district_code,
           last_value(nullIf(urban_rural_code, '')) IGNORE NULLS OVER history AS urban_rural_code,
           last_value(nullIf(level, '')) IGNORE NULLS OVER history AS level,
           last_value(nullIf(weak, -1)) IGNORE NULLS OVER history AS weak,
           last_value(nullIf(into_school_code, '')) IGNORE NULLS OVER history AS merged_into,
           max(closed) OVER history AS closed
    FROM {db:Identifier}.school_changes FINAL
    WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
    WINDOW history AS (PARTITION BY school_code ORDER BY effective_on, global_position
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  )
  GROUP BY school_code, valid_from
  ${END_OF_HIERARCHY_FOLD}
)`;

/** The periods as they stand now: the dimension's latest rows (migration 0011). */
const SCHOOL_PERIODS_NOW = `SELECT school_code, valid_from, district_code, urban_rural_code, level, weak,
         merged_into, closed
  FROM {db:Identifier}.school_periods FINAL`;

/**
 * The query asked as of now reads the hierarchy from its dimension instead of folding it: the
 * fold, named wherever a query attributes facts to schools (two to five times in one query),
 * was planned by ClickHouse each time.
 */
export function hierarchyAsOfNow(sql: string): string {
  return sql.replace(HIERARCHY_FOLDS, SCHOOL_PERIODS_NOW);
}

/**
 * How many merges (撤并) a school's history follows to reach the school that holds it. Chains
 * are short in practice (a village school merged into a town school that is later merged
 * itself): five hops is far beyond any the seeds describe. A longer chain, or a cycle (bad
 * data), stops after the fifth hop instead of looping.
 */
export const MERGE_HOPS = 5;

/**
 * `holders_<name>`: on the day `{<name>:Date}`, the school that holds each school's history and
 * that holder's district, group and weak flag. The holder is the school itself or, when it was
 * merged by then, the end of its merge chain: A merged into B and B later merged into C hands
 * A's history to C, not to B (up to `MERGE_HOPS` hops, each merge as effective on the day).
 */
export const holdersOn = (name: string): string => `
schools_${name} AS (
  SELECT school_code,
         argMax(district_code, valid_from) AS district_code,
         argMax(urban_rural_code, valid_from) AS urban_rural_code,
         argMax(weak, valid_from) AS weak,
         argMax(merged_into, valid_from) AS merged_into
  FROM school_periods
  WHERE valid_from <= {${name}:Date}
  GROUP BY school_code
),
chains_${name} AS (
  -- Follow merged_into hop by hop through a map of the schools merged by the day; a school
  -- that is not (or no longer) merged ends the chain and stays put on the following hops.
  SELECT school.school_code AS school_code,
         arrayFold((code, hop) -> if(mapContains(merges.heir, code), merges.heir[code], code),
                   range(${MERGE_HOPS}), school.school_code) AS holder_code
  FROM schools_${name} AS school
  CROSS JOIN (
    SELECT CAST(mapFromArrays(groupArray(school_code), groupArray(merged_into)),
                'Map(String, String)') AS heir
    FROM schools_${name}
    WHERE merged_into != ''
  ) AS merges
),
holders_${name} AS (
  SELECT chain.school_code AS school_code,
         chain.holder_code AS holder_code,
         heir.district_code AS district_code,
         ${urbanRuralGroupOf('heir.urban_rural_code')} AS urban_rural_group,
         heir.weak AS weak
  FROM chains_${name} AS chain
  LEFT JOIN schools_${name} AS heir ON heir.school_code = chain.holder_code
)`;

/** The movements after which a student is on the register (在籍: enrolled or suspended). */
export const ON_REGISTER = `'StudentEnrolled', 'StudentTransferred', 'StudentReturned',
                 'StudentSuspended', 'StudentResumed', 'StudentRepeatedGrade',
                 'StudentSkippedGrade'`;

/**
 * `register_<name>`: every student on the register (在籍: enrolled or suspended) at the end of
 * the day `{<name>:Date}`, at the school of their last movement up to that day, with the
 * event that put them there, their level and their grade that day (promotion included).
 */
export const registerOn = (name: string): string => `
register_${name} AS (
  SELECT student,
         last.1 AS type,
         if(last.1 = 'StudentTransferred', last.3, last.2) AS school_code,
         ${gradeOnDay('last.4', 'last.7', 'last.8', `{${name}:Date}`)} AS grade,
         last.5 AS event_id,
         last.6 AS level
  FROM (
    SELECT student,
           argMax(tuple(type, school_code, to_school_code, grade, toString(event_id), level,
                        final_grade, event_date),
                  tuple(event_date, global_position)) AS last
    FROM student_facts
    WHERE event_date <= {${name}:Date}
    GROUP BY student
  )
  WHERE type IN (${ON_REGISTER})
)`;

/** The student movements recorded up to `asOf`. */
export const STUDENT_FACTS = `
student_facts AS (
  SELECT *
  FROM {db:Identifier}.student_events FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
)`;

/**
 * The filters every figure query applies to its `contributions`: inside the caller's scope
 * (`within`, a code prefix), the requested urban-rural group and level, and one unit or all.
 */
export const SCOPED = `
scoped AS (
  SELECT *, ${unitOf('school_code', 'district_code')} AS unit
  FROM contributions
  WHERE district_code != ''
    AND ({grain:String} != 'school' OR school_code != '')
    AND startsWith(district_code, {within:String})
    AND ({group:String} = '' OR urban_rural_group = {group:String})
    AND ({level:String} = '' OR level = {level:String})
    AND ({unit:String} = '' OR unit = {unit:String})
)`;

/** Drill-down to the events: each contribution of the unit's figure with its event. */
export const CONTRIBUTING_EVENTS = `
SELECT unit, school_code, level, measure, arrayJoin(event_ids) AS event_id
FROM scoped
ORDER BY school_code, measure, event_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;

/**
 * `attributed_<name>`: the rows of `<source>` with the school's district and urban-rural group
 * on the day in column `<date>` (the hierarchy as recorded up to `asOf`). A school the hierarchy
 * does not know keeps the district its event named.
 */
export const attributedOn = (
  name: string,
  source: string,
  school: string,
  date: string,
  district: string,
): string => `
attributed_${name} AS (
  SELECT fact.*,
         if(period.district_code = '', fact.${district}, period.district_code) AS attributed_district,
         ${urbanRuralGroupOf('period.urban_rural_code')} AS attributed_group,
         period.weak AS attributed_weak
  FROM ${source} AS fact
  ASOF LEFT JOIN school_periods AS period
    ON period.school_code = fact.${school} AND fact.${date} >= period.valid_from
)`;

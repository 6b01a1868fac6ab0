import { SCHOOL_PERIODS, attributedOn } from '../sql-fragments';

/** The enrolment a conditions report states, by level: what splits a school's resources. */
export const ENROLMENT_MEASURES = ['primary_enrolment', 'junior_enrolment'] as const;

/**
 * The resource indicators of the assessment rules, as each school's value per student (or per
 * 100 students), by level. `scale` is 1 for per student and 100 for per 100 students.
 */
export const RESOURCES = {
  floor_area: { column: 'teaching_auxiliary_area_m2', scale: 1, unit: 'm² per student' },
  sports_area: { column: 'sports_area_m2', scale: 1, unit: 'm² per student' },
  equipment_value: { column: 'equipment_value_yuan', scale: 1, unit: 'yuan per student' },
  computers: { column: 'computers', scale: 100, unit: 'per 100 students' },
  books: { column: 'books', scale: 1, unit: 'books per student' },
  teachers: { column: 'full_time_teachers', scale: 100, unit: 'per 100 students' },
  above_qualification_teachers: {
    column: 'above_qualification_teachers',
    scale: 100,
    unit: 'per 100 students',
  },
  intermediate_title_teachers: {
    column: 'intermediate_title_teachers',
    scale: 100,
    unit: 'per 100 students',
  },
  backbone_teachers: { column: 'backbone_teachers', scale: 100, unit: 'per 100 students' },
  pe_arts_teachers: { column: 'pe_arts_teachers', scale: 100, unit: 'per 100 students' },
  multimedia_classrooms: {
    column: 'networked_multimedia_classrooms',
    scale: 100,
    unit: 'per 100 students',
  },
} as const;
export type Resource = keyof typeof RESOURCES;

/** 2012 basic balance (基本均衡): eight indicators, composite = mean of their CVs. */
export const BASIC_BALANCE_RESOURCES: readonly Resource[] = [
  'floor_area',
  'sports_area',
  'equipment_value',
  'computers',
  'books',
  'teachers',
  'above_qualification_teachers',
  'intermediate_title_teachers',
];

/** 2017 high-quality balance (优质均衡): seven indicators, each judged on its own. */
export const HIGH_QUALITY_RESOURCES: readonly Resource[] = [
  'above_qualification_teachers',
  'backbone_teachers',
  'pe_arts_teachers',
  'floor_area',
  'sports_area',
  'equipment_value',
  'multimedia_classrooms',
];

/** The resources read from the staffing report (师资): the teachers; the rest are conditions. */
export const STAFFING_RESOURCES: readonly Resource[] = (
  Object.keys(RESOURCES) as Resource[]
).filter((resource) => RESOURCES[resource].column.endsWith('teachers'));

/** The resources read from the conditions report (办学条件). */
export const CONDITION_RESOURCES: readonly Resource[] = (
  Object.keys(RESOURCES) as Resource[]
).filter((resource) => !STAFFING_RESOURCES.includes(resource));

/**
 * `school_resources` computed from the reports themselves (`school_reports`): the facts the
 * rollup form below (`SCHOOL_RESOURCES`) must agree with, and the base the urban-rural gap
 * joins funds and rotated teachers to.
 *
 * One row per school, level and resource with the school's enrolment at
 * the level and its value per student there, from the last conditions and staffing reports of
 * the school year recorded up to `asOf`, attributed to the school's district and group on the
 * conditions report's day. A nine-year school's resources are split between its levels by
 * weighted enrolment (primary : junior = 1 : `juniorWeight`); a level without students is left
 * out; `amount` is the level's share of the school's quantity.
 *
 * The conditions report (enrolment, buildings, equipment) is what makes a school count. A
 * school that sent it but no staffing report for the year has no row for the teacher resources:
 * its teachers are unknown, not zero, and counting them as zero would pull the unit's mean down
 * and its CV up. It still counts for the resources of its conditions report.
 */
export const SCHOOL_RESOURCES_FROM_REPORTS = [
  SCHOOL_PERIODS,
  // Each school's last conditions and last staffing report of the year, side by side in one
  // pass over its reports: named once, so the chain below is planned once (a join of the two
  // report kinds, each found through the last reports, named the reports three times).
  `
year_reports AS (
  SELECT school_code,
         argMaxIf(tuple(toString(event_id), toString(district_code), reported_on,
                        primary_enrolment, junior_enrolment,
                        ${CONDITION_RESOURCES.map((resource) => RESOURCES[resource].column).join(', ')}),
                  global_position, report = 'conditions') AS conditions,
         argMaxIf(tuple(toString(event_id),
                        ${STAFFING_RESOURCES.map((resource) => RESOURCES[resource].column).join(', ')}),
                  global_position, report = 'staffing') AS staffing,
         countIf(report = 'staffing') > 0 AS staffed
  FROM {db:Identifier}.school_reports FINAL
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND school_year = {schoolYear:UInt16}
  GROUP BY school_code
  HAVING countIf(report = 'conditions') > 0
)`,
  `
conditions AS (
  SELECT school_code,
         conditions.1 AS event_id,
         conditions.2 AS district_code,
         conditions.3 AS reported_on,
         conditions.4 AS primary_enrolment,
         conditions.5 AS junior_enrolment,
         staffed,
         -- Without a staffing report its tuple holds zeros: \`staffed\` tells the two apart.
         if(staffed, [conditions.1, staffing.1], [conditions.1]) AS event_ids,
         map(${(Object.keys(RESOURCES) as Resource[])
           .map((resource) =>
             STAFFING_RESOURCES.includes(resource)
               ? `'${resource}', toFloat64(staffing.${STAFFING_RESOURCES.indexOf(resource) + 2})`
               : `'${resource}', toFloat64(conditions.${CONDITION_RESOURCES.indexOf(resource) + 6})`,
           )
           .join(',\n             ')}) AS resources
  FROM year_reports
)`,
  attributedOn('conditions', 'conditions', 'school_code', 'reported_on', 'district_code'),
  `
school_levels AS (
  SELECT school_code, district_code, urban_rural_group, weak, event_ids, resources, staffed,
         split.1 AS level, split.2 AS enrolment, split.3 AS share
  FROM (
    SELECT report.school_code AS school_code,
           report.attributed_district AS district_code,
           report.attributed_group AS urban_rural_group,
           report.attributed_weak AS weak,
           report.event_ids AS event_ids,
           report.staffed AS staffed,
           report.resources AS resources,
           report.primary_enrolment + {juniorWeight:Float64} * report.junior_enrolment AS weighted,
           arrayJoin([('primary', report.primary_enrolment, report.primary_enrolment / weighted),
                      ('junior', report.junior_enrolment,
                       {juniorWeight:Float64} * report.junior_enrolment / weighted)]) AS split
    FROM attributed_conditions AS report
    WHERE weighted > 0
  )
  WHERE enrolment > 0
)`,
  schoolResources(),
];

/**
 * `school_resources`, as `SCHOOL_RESOURCES_FROM_REPORTS` defines it (same rows, same values),
 * read from `school_report_values`: each school's last value of each quantity in one grouping,
 * its last conditions report's enrolment, day and district beside every row by a window over
 * the school, then split between levels. The shape matters for time, not data: planned in
 * about half the time of the reports' form (a tuple per report kind, a map, an ARRAY JOIN over
 * eleven resources), which was most of what these indicators cost.
 *
 * No FINAL: a redelivered report's rows are copies, and the last value of a quantity is the
 * same whichever copy gives it.
 */
export const SCHOOL_RESOURCES: readonly string[] = schoolResourceValues();

/**
 * The WITH clauses of `SCHOOL_RESOURCES` with `joined` measures beside the reports' (as
 * `schoolResources` joins them to the reports' form): each school with a conditions report
 * gets a row per joined measure, its quantity 0 where the source has no row for the school.
 * The sources' WITH clauses come before these.
 */
export function schoolResourceValues(joined: readonly JoinedMeasure[] = []): string[] {
  const enrolments = ENROLMENT_MEASURES.map((measure) => `'${measure}'`).join(', ');
  return [
    SCHOOL_PERIODS,
    `
last_values AS (
  SELECT school_code, measure,
         argMax(tuple(amount, toString(event_id), reported_on, toString(district_code), report),
                global_position) AS last
  FROM {db:Identifier}.school_report_values
  WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')} AND school_year = {schoolYear:UInt16}
  GROUP BY school_code, measure
)`,
    `
school_values AS (
  SELECT school_code, measure, last.1 AS amount,
         anyIf(last.1, measure = 'primary_enrolment') OVER school AS primary_enrolment,
         anyIf(last.1, measure = 'junior_enrolment') OVER school AS junior_enrolment,
         anyIf(last.2, measure = 'primary_enrolment') OVER school AS conditions_id,
         anyIf(last.2, last.5 = 'staffing') OVER school AS staffing_id,
         anyIf(last.3, measure = 'primary_enrolment') OVER school AS reported_on,
         anyIf(last.4, measure = 'primary_enrolment') OVER school AS district_code
  FROM last_values
  WINDOW school AS (PARTITION BY school_code)
)`,
    // The conditions report is what makes a school count (see SCHOOL_RESOURCES_FROM_REPORTS);
    // without a staffing report the school has no teacher rows: unknown, not zero.
    joined.length === 0
      ? `
conditions AS (
  SELECT *, CAST([], 'Array(String)') AS joined_ids FROM school_values
  WHERE conditions_id != '' AND measure NOT IN (${enrolments})
)`
      : // The joined measures take the place of the school's primary enrolment row: one row
        // per school, so each source is joined without naming school_values twice.
        `
conditions AS (
  SELECT school_code, primary_enrolment, junior_enrolment, conditions_id, staffing_id,
         reported_on, district_code,
         measured.1 AS measure, measured.2 AS amount, measured.3 AS joined_ids
  FROM (
    SELECT value.school_code AS school_code, toString(value.measure) AS reported_measure,
           value.amount AS reported_amount, value.primary_enrolment AS primary_enrolment,
           value.junior_enrolment AS junior_enrolment, value.conditions_id AS conditions_id,
           value.staffing_id AS staffing_id, value.reported_on AS reported_on,
           value.district_code AS district_code${joined
             .map(
               ({ measure, source, quantity }) => `,
           toFloat64(${source}.${quantity}) AS ${measure}_quantity, ${source}.ids AS ${measure}_ids`,
             )
             .join('')}
    FROM school_values AS value${joined
      .map(
        ({ source }) => `
    LEFT JOIN ${source} ON ${source}.school_code = value.school_code`,
      )
      .join('')}
    WHERE value.conditions_id != '' AND value.measure != 'junior_enrolment'
  )
  ARRAY JOIN if(reported_measure = 'primary_enrolment',
                [${joined
                  .map(({ measure }) => `('${measure}', ${measure}_quantity, ${measure}_ids)`)
                  .join(',\n                 ')}],
                [(reported_measure, reported_amount, CAST([], 'Array(String)'))]) AS measured
)`,
    attributedOn('conditions', 'conditions', 'school_code', 'reported_on', 'district_code'),
    `
school_resources AS (
  SELECT school_code, district_code, urban_rural_group, weak, level, enrolment, event_ids,
         measure, amount, value
  FROM (
    SELECT report.school_code AS school_code,
           report.attributed_district AS district_code,
           report.attributed_group AS urban_rural_group,
           report.attributed_weak AS weak,
           report.measure AS measure,
           -- Both reports behind every resource of a staffed school, as the reports' form,
           -- and a joined measure's own events after them.
           arrayConcat(if(report.staffing_id = '', [report.conditions_id],
                          [report.conditions_id, report.staffing_id]),
                       report.joined_ids) AS event_ids,
           report.primary_enrolment + {juniorWeight:Float64} * report.junior_enrolment AS weighted,
           arrayJoin(['primary', 'junior']) AS level,
           toUInt32(if(level = 'primary', report.primary_enrolment, report.junior_enrolment)) AS enrolment,
           -- The level's share of the school's quantity, in the order the reports' form computes it.
           report.amount * (if(level = 'primary', report.primary_enrolment,
                               {juniorWeight:Float64} * report.junior_enrolment) / weighted) AS amount,
           amount * ${scaleOf('report.measure', joined)} / enrolment AS value
    FROM attributed_conditions AS report
    WHERE weighted > 0
  )
  WHERE enrolment > 0
)`,
  ];
}

/** Per student (1) or per 100 students (100) of the resource or joined measure in `measure`. */
function scaleOf(measure: string, joined: readonly JoinedMeasure[]): string {
  const per100 = [
    ...(Object.keys(RESOURCES) as Resource[]).filter(
      (resource) => RESOURCES[resource].scale === 100,
    ),
    ...joined.filter(({ scale }) => scale === 100).map(({ measure }) => measure),
  ];
  return `if(${measure} IN (${per100.map((name) => `'${name}'`).join(', ')}), 100, 1)`;
}

/** The columns of `school_levels`, named one by one where a join would qualify `school.*`. */
const SCHOOL_LEVEL_COLUMNS = [
  'school_code',
  'district_code',
  'urban_rural_group',
  'weak',
  'event_ids',
  'resources',
  'staffed',
  'level',
  'enrolment',
  'share',
];

/**
 * A measure from outside the reports, joined to each school level as if reported with them:
 * the school's whole quantity in column `quantity` of the WITH clause `source` (a row per
 * school, with `school_code` and its events in `ids`), split between levels like the reports'.
 * The urban-rural gap compares funds and rotated teachers this way.
 */
export interface JoinedMeasure {
  readonly measure: string;
  readonly source: string;
  readonly quantity: string;
  /** 1 for per student, 100 for per 100 students. */
  readonly scale: number;
}

/**
 * `school_resources`: a row per school, level and measure, with the value per student (or per
 * 100) at that level. One ARRAY JOIN over every measure, so an indicator that compares the
 * report resources with joined measures reads `school_levels` once: each WITH clause is
 * inlined wherever it is named, and naming `school_levels` once per measure family made
 * ClickHouse plan the whole chain that many times.
 */
export function schoolResources(joined: readonly JoinedMeasure[] = []): string {
  const measures = [
    ...(Object.keys(RESOURCES) as Resource[]).map(
      (resource) =>
        // Without a staffing report the teacher resources are unknown: left out, not 0.
        `('${resource}', school.resources['${resource}'], ${RESOURCES[resource].scale}, school.event_ids, ${
          STAFFING_RESOURCES.includes(resource) ? 'school.staffed' : 'true'
        })`,
    ),
    ...joined.map(
      ({ measure, scale }) =>
        `('${measure}', school.${measure}_quantity, ${scale}, arrayConcat(school.event_ids, school.${measure}_ids), true)`,
    ),
  ];
  // Qualified as `school.`: the output's `event_ids` would otherwise name itself.
  const source =
    joined.length === 0
      ? 'school_levels'
      : `(
    SELECT ${SCHOOL_LEVEL_COLUMNS.map((column) => `school.${column} AS ${column}`).join(', ')}${joined
      .map(
        ({ measure, source, quantity }) => `,
           toFloat64(${source}.${quantity}) AS ${measure}_quantity, ${source}.ids AS ${measure}_ids`,
      )
      .join('')}
    FROM school_levels AS school${joined
      .map(
        ({ source }) => `
    LEFT JOIN ${source} ON ${source}.school_code = school.school_code`,
      )
      .join('')}
  )`;
  return `
school_resources AS (
  SELECT school_code, district_code, urban_rural_group, weak, level, enrolment,
         resource.4 AS event_ids,
         resource.1 AS measure,
         resource.2 * share AS amount,
         amount * resource.3 / enrolment AS value
  FROM ${source} AS school
  ARRAY JOIN [${measures.join(',\n              ')}] AS resource
  WHERE resource.5
)`;
}

/**
 * The enrolment-weighted coefficient of variation of each resource over the schools of each
 * unit and level (校际差异系数; domain.md indicator 4):
 *   X̄ = Σ P_i·X_i / P,  S = sqrt(Σ (P_i / P)·(X_i − X̄)²),  CV = S / X̄
 */
export const COEFFICIENTS = `
unit_means AS (
  SELECT *,
         sum(enrolment * value) OVER per_unit / sum(enrolment) OVER per_unit AS unit_mean
  FROM scoped
  WINDOW per_unit AS (PARTITION BY unit, level, measure)
)`;

export const COEFFICIENT_FIGURES = `
  SELECT unit,
         level,
         measure AS indicator,
         toUInt32(count()) AS schools,
         toUInt32(sum(enrolment)) AS students,
         any(unit_mean) AS mean,
         sqrt(sum(enrolment * pow(value - unit_mean, 2)) / sum(enrolment)) AS deviation,
         if(mean > 0, deviation / mean, NULL) AS cv
  FROM unit_means
  GROUP BY unit, level, measure`;

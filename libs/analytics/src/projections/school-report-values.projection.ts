import type { RecordedEvent } from '@junheng/event-store';
import {
  CONDITION_RESOURCES,
  ENROLMENT_MEASURES,
  RESOURCES,
  STAFFING_RESOURCES,
} from '../indicators/balance/school-resources.sql';
import type { Resource } from '../indicators/balance/school-resources.sql';
import type { Projection } from './projection';
import { schoolReportsProjection } from './school-reports.projection';

/** The quantities each report kind states, as `school_report_values` names them. */
const REPORTED: Record<
  'conditions' | 'staffing',
  readonly (Resource | 'primary_enrolment' | 'junior_enrolment')[]
> = {
  conditions: [...ENROLMENT_MEASURES, ...CONDITION_RESOURCES],
  staffing: STAFFING_RESOURCES,
};

const columnOf = (measure: Resource | 'primary_enrolment' | 'junior_enrolment'): string =>
  measure === 'primary_enrolment' || measure === 'junior_enrolment'
    ? measure
    : RESOURCES[measure].column;

/**
 * `school_report_values` (migration 0012): each report's quantities one per row, every
 * quantity of its kind written even when zero, so a school's last value of a quantity is the
 * value of its last report of that kind. From the event alone, like `school_reports` (whose
 * rows it reshapes), so a redelivery or a rebuild writes the same rows.
 */
export const schoolReportValuesProjection: Projection = {
  table: 'school_report_values',
  rows: (events: readonly RecordedEvent[]) =>
    schoolReportsProjection.rows(events).flatMap((row) => {
      const report = row as Record<string, unknown> & { report: 'conditions' | 'staffing' };
      return REPORTED[report.report].map((measure) => ({
        event_id: report.event_id,
        global_position: report.global_position,
        transaction_id: report.transaction_id,
        recorded_at: report.recorded_at,
        school_code: report.school_code,
        district_code: report.district_code,
        school_year: report.school_year,
        reported_on: report.reported_on,
        report: report.report,
        measure,
        amount: Number(report[columnOf(measure)]),
      }));
    }),
};

import type { RecordedEvent } from '@junheng/event-store';
import type { SchoolConditionsReported, SchoolStaffingReported } from '@junheng/domain';
import { loggedColumns, payloadOf } from './fact-row';
import type { Projection } from './projection';

const NO_CONDITIONS = {
  primary_enrolment: 0,
  junior_enrolment: 0,
  teaching_auxiliary_area_m2: 0,
  sports_area_m2: 0,
  equipment_value_yuan: 0,
  computers: 0,
  books: 0,
  networked_multimedia_classrooms: 0,
};

const NO_STAFFING = {
  full_time_teachers: 0,
  above_qualification_teachers: 0,
  intermediate_title_teachers: 0,
  backbone_teachers: 0,
  pe_arts_teachers: 0,
  rotation_eligible_teachers: 0,
};

/**
 * The annual conditions (办学条件) and staffing (师资) reports, one row per report. A later
 * report of the same school, year and kind supersedes the earlier one (queries take the last
 * recorded), so a correction is a new report.
 */
export const schoolReportsProjection: Projection = {
  table: 'school_reports',
  rows: (events: readonly RecordedEvent[]) =>
    events.flatMap((event) => {
      if (event.type === 'SchoolConditionsReported') {
        const data = payloadOf<SchoolConditionsReported['data']>(event);
        return [
          {
            ...loggedColumns(event),
            ...NO_STAFFING,
            school_code: data.schoolCode,
            district_code: data.districtCode,
            report: 'conditions',
            school_year: data.schoolYear,
            reported_on: data.reportedOn,
            primary_enrolment: data.primaryEnrolment,
            junior_enrolment: data.juniorEnrolment,
            teaching_auxiliary_area_m2: data.teachingAuxiliaryAreaM2,
            sports_area_m2: data.sportsAreaM2,
            equipment_value_yuan: data.equipmentValueYuan,
            computers: data.computers,
            books: data.books,
            networked_multimedia_classrooms: data.networkedMultimediaClassrooms,
          },
        ];
      }
      if (event.type === 'SchoolStaffingReported') {
        const data = payloadOf<SchoolStaffingReported['data']>(event);
        return [
          {
            ...loggedColumns(event),
            ...NO_CONDITIONS,
            school_code: data.schoolCode,
            district_code: data.districtCode,
            report: 'staffing',
            school_year: data.schoolYear,
            reported_on: data.reportedOn,
            full_time_teachers: data.fullTimeTeachers,
            above_qualification_teachers: data.aboveQualificationTeachers,
            intermediate_title_teachers: data.intermediateTitleTeachers,
            backbone_teachers: data.backboneTeachers,
            pe_arts_teachers: data.peArtsTeachers,
            rotation_eligible_teachers: data.rotationEligibleTeachers,
          },
        ];
      }
      return [];
    }),
};

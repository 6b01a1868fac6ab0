import { isDistrictCode, isSchoolCode } from '../shared/administrative-codes';
import { isCalendarDate, startOfDayUtc } from '../shared/calendar';
import { MILLISECONDS_PER_DAY } from '../shared/clock';
import type { Clock } from '../shared/clock';
import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { assertNever } from '../shared/exhaustive';
import type { StudentCommand } from './student.commands';
import type { StudentEvent } from './student.events';
import { FINAL_GRADES, levelOfGrade } from './student.types';
import type { RiskReason } from './student.types';

export type StudentStatus =
  'none' | 'enrolled' | 'suspended' | 'dropped-out' | 'graduated' | 'deceased';

/** A student's school career as far as compulsory education needs it. */
export interface StudentState {
  readonly status: StudentStatus;
  readonly schoolCode: string | null;
  readonly districtCode: string | null;
  readonly grade: number | null;
  readonly droppedOutOn: string | null;
  readonly atRisk: RiskReason | null;
  /** The date of the latest fact: facts arrive in the order they happened. */
  readonly lastDate: string | null;
}

export const initialStudentState: StudentState = {
  status: 'none',
  schoolCode: null,
  districtCode: null,
  grade: null,
  droppedOutOn: null,
  atRisk: null,
  lastDate: null,
};

export function evolveStudent(state: StudentState, event: StudentEvent): StudentState {
  const at = {
    schoolCode: event.data.schoolCode,
    districtCode: event.data.districtCode,
    grade: event.data.grade,
    lastDate: event.data.date,
  };
  switch (event.type) {
    case 'StudentEnrolled':
      return { ...state, ...at, status: 'enrolled', droppedOutOn: null, atRisk: null };
    case 'StudentTransferred':
      return {
        ...state,
        ...at,
        schoolCode: event.data.toSchoolCode,
        districtCode: event.data.toDistrictCode,
      };
    case 'StudentDroppedOut':
      return { ...state, ...at, status: 'dropped-out', droppedOutOn: event.data.date };
    case 'StudentReturned':
      return { ...state, ...at, status: 'enrolled', droppedOutOn: null };
    case 'StudentSuspended':
      return { ...state, ...at, status: 'suspended' };
    case 'StudentResumed':
      return { ...state, ...at, status: 'enrolled' };
    case 'StudentGraduated':
      return { ...state, ...at, status: 'graduated', atRisk: null };
    case 'StudentDeceased':
      return { ...state, ...at, status: 'deceased', atRisk: null };
    case 'StudentFlaggedAtRisk':
      return { ...state, ...at, atRisk: event.data.reason };
    case 'StudentRiskCleared':
      return { ...state, ...at, atRisk: null };
    default:
      return assertNever(event);
  }
}

function violation(
  rule: string,
  message: string,
  facts: Record<string, string | number | boolean | null> = {},
): never {
  throw new DomainRuleViolation(rule, message, facts);
}

function requireGrade(grade: number): void {
  if (!Number.isInteger(grade) || grade < 1 || grade > 9) {
    violation('student.invalid-grade', 'Compulsory education has grades 1 to 9', { grade });
  }
}

function requireStatus(state: StudentState, allowed: readonly StudentStatus[], rule: string): void {
  if (!allowed.includes(state.status)) {
    violation(rule, `The student is ${state.status}`, { status: state.status });
  }
}

export function decideStudent(
  command: StudentCommand,
  state: StudentState,
  clock: Clock,
): StudentEvent[] {
  if (!isSchoolCode(command.schoolCode) || !isDistrictCode(command.districtCode)) {
    violation(
      'organisation.invalid-school-code',
      'A school code and its county code are required',
      {
        schoolCode: command.schoolCode,
        districtCode: command.districtCode,
      },
    );
  }
  if (!isCalendarDate(command.date))
    violation('calendar.invalid-date', `"${command.date}" is not a real date`, {
      date: command.date,
    });
  if (startOfDayUtc(command.date).getTime() > clock.now().getTime() + MILLISECONDS_PER_DAY) {
    violation('calendar.date-in-future', `${command.date} has not happened yet`, {
      date: command.date,
      today: clock.now().toISOString().slice(0, 10),
    });
  }
  if (state.status === 'deceased') violation('student.deceased', 'The student has died', {});
  if (state.lastDate !== null && command.date < state.lastDate) {
    violation('student.out-of-order', 'A later fact about this student is already recorded', {
      lastDate: state.lastDate,
    });
  }
  const base = {
    student: command.student,
    schoolCode: command.schoolCode,
    districtCode: command.districtCode,
    date: command.date,
  };

  if (command.type === 'EnrolStudent') {
    if (state.status === 'enrolled' || state.status === 'suspended') {
      violation('student.already-enrolled', 'The student is enrolled at a school already', {
        schoolCode: state.schoolCode,
      });
    }
    if (state.status === 'dropped-out')
      violation('student.dropped-out', 'A student who dropped out returns rather than enrols', {});
    requireGrade(command.grade);
    if (command.entry === 'new-entrant' && command.grade !== 1 && command.grade !== 7) {
      violation('student.new-entrant-grade', 'New entrants start in grade 1 or grade 7', {
        grade: command.grade,
      });
    }
    return [
      {
        type: 'StudentEnrolled',
        schemaVersion: 1,
        data: { ...base, grade: command.grade, entry: command.entry },
      },
    ];
  }
  if (state.status === 'none')
    violation('student.unknown', 'The student is not enrolled anywhere', {});
  if (command.type === 'ReturnStudent') {
    requireStatus(state, ['dropped-out'], 'student.not-dropped-out');
    requireGrade(command.grade);
    const droppedOutOn = state.droppedOutOn!;
    const daysOut = Math.round(
      (startOfDayUtc(command.date).getTime() - startOfDayUtc(droppedOutOn).getTime()) /
        MILLISECONDS_PER_DAY,
    );
    return [
      {
        type: 'StudentReturned',
        schemaVersion: 1,
        data: { ...base, grade: command.grade, means: command.means, droppedOutOn, daysOut },
      },
    ];
  }
  if (state.schoolCode !== command.schoolCode) {
    violation('student.not-at-school', 'The student is at another school', {
      schoolCode: state.schoolCode,
    });
  }
  const grade = state.grade!;
  switch (command.type) {
    case 'TransferStudent':
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      if (
        command.toSchoolCode === command.schoolCode ||
        !isSchoolCode(command.toSchoolCode) ||
        !isDistrictCode(command.toDistrictCode)
      ) {
        violation('student.invalid-transfer', 'A transfer goes to another, valid school', {
          toSchoolCode: command.toSchoolCode,
        });
      }
      return [
        {
          type: 'StudentTransferred',
          schemaVersion: 1,
          data: {
            ...base,
            grade,
            toSchoolCode: command.toSchoolCode,
            toDistrictCode: command.toDistrictCode,
          },
        },
      ];
    case 'DropOutStudent':
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      return [
        {
          type: 'StudentDroppedOut',
          schemaVersion: 1,
          data: { ...base, grade, reason: command.reason },
        },
      ];
    case 'SuspendStudent':
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      return [{ type: 'StudentSuspended', schemaVersion: 1, data: { ...base, grade } }];
    case 'ResumeStudent':
      requireStatus(state, ['suspended'], 'student.not-suspended');
      return [{ type: 'StudentResumed', schemaVersion: 1, data: { ...base, grade } }];
    case 'GraduateStudent': {
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      const level = levelOfGrade(grade);
      if (grade !== FINAL_GRADES[level]) {
        violation('student.not-in-final-grade', `Graduation is from grade ${FINAL_GRADES[level]}`, {
          grade,
        });
      }
      return [{ type: 'StudentGraduated', schemaVersion: 1, data: { ...base, grade, level } }];
    }
    case 'RecordStudentDeath':
      requireStatus(state, ['enrolled', 'suspended', 'dropped-out'], 'student.not-enrolled');
      return [{ type: 'StudentDeceased', schemaVersion: 1, data: { ...base, grade } }];
    case 'FlagStudentAtRisk':
      requireStatus(state, ['enrolled', 'suspended'], 'student.not-enrolled');
      if (state.atRisk !== null)
        violation('student.already-at-risk', 'The student is already flagged', {
          reason: state.atRisk,
        });
      return [
        {
          type: 'StudentFlaggedAtRisk',
          schemaVersion: 1,
          data: { ...base, grade, reason: command.reason },
        },
      ];
    case 'ClearStudentRisk':
      if (state.atRisk === null) violation('student.not-at-risk', 'The student is not flagged', {});
      return [{ type: 'StudentRiskCleared', schemaVersion: 1, data: { ...base, grade } }];
    default:
      return assertNever(command);
  }
}

export const studentDecider = {
  decide: decideStudent,
  evolve: evolveStudent,
  initialState: initialStudentState,
};

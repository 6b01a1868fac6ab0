import { isDistrictCode, isSchoolCode } from '../shared/administrative-codes';
import { schoolYearOf, startOfDayUtc } from '../shared/calendar';
import { requireReportableDate } from '../shared/reportable-date';
import { MILLISECONDS_PER_DAY } from '../shared/clock';
import type { Clock } from '../shared/clock';
import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { assertNever } from '../shared/exhaustive';
import type { StudentCommand } from './student.commands';
import type { StudentEvent } from './student.events';
import { DEFAULT_SCHOOL_SYSTEM, requireCompulsoryGrade } from './school-stages';
import type { SchoolStages, SchoolSystem, StudentLevel } from './school-stages';
import type { RiskReason } from './student.types';
import type { SchoolLevel } from '../school/school.types';
import type { Decider } from '../shared/given-when-then';

export type StudentStatus =
  'none' | 'enrolled' | 'suspended' | 'dropped-out' | 'graduated' | 'deceased';

/** A student's school career as far as compulsory education needs it. */
export interface StudentState {
  readonly status: StudentStatus;
  readonly schoolCode: string | null;
  readonly districtCode: string | null;
  /**
   * The grade the student was placed in by the last fact that set it (enrolment, return, repeat
   * or skip) and the school year that placed them there. The grade on any later date follows:
   * one more each 1 September (升级), never past the level's final grade (gradeOn).
   */
  readonly placedGrade: number | null;
  readonly placedIn: number | null;
  /** The class (届) the student was in on entering their level: repeats and skips keep it. */
  readonly entryCohort: number | null;
  /** The school year of the last repeat or skip: at most one a year. */
  readonly gradeChangedIn: number | null;
  readonly droppedOutOn: string | null;
  readonly atRisk: RiskReason | null;
  /** The date of the latest fact: facts arrive in the order they happened. */
  readonly lastDate: string | null;
}

export const initialStudentState: StudentState = {
  status: 'none',
  schoolCode: null,
  districtCode: null,
  placedGrade: null,
  placedIn: null,
  entryCohort: null,
  gradeChangedIn: null,
  droppedOutOn: null,
  atRisk: null,
  lastDate: null,
};

/**
 * The grade on `date` under `stages`: the placed grade, promoted once for each school year since
 * (1 September), held at the level's final grade — a student who does not graduate from it stays
 * there. Null before any placement.
 */
export function gradeOn(state: StudentState, date: string, stages: SchoolStages): number | null {
  if (state.placedGrade === null || state.placedIn === null) return null;
  const level = stages.levelOfGrade(state.placedGrade);
  const promoted = state.placedGrade + Math.max(0, schoolYearOf(date) - state.placedIn);
  return Math.min(stages.finalGrade(level), promoted);
}

/**
 * Where a student stands in a school's graduating class (毕业班) on `date`: in the level's final
 * grade at that school and still to graduate, already graduated from it that day, or not in it.
 */
export function standingInFinalGrade(
  state: StudentState,
  graduation: { readonly schoolCode: string; readonly level: StudentLevel; readonly date: string },
  stages: SchoolStages,
): 'to-graduate' | 'graduated' | null {
  const { placedGrade } = state;
  const inClass =
    state.schoolCode === graduation.schoolCode &&
    placedGrade !== null &&
    stages.levelOfGrade(placedGrade) === graduation.level &&
    gradeOn(state, graduation.date, stages) === stages.finalGrade(graduation.level);
  if (!inClass) return null;
  if (state.status === 'enrolled') return 'to-graduate';
  return state.status === 'graduated' && state.lastDate === graduation.date ? 'graduated' : null;
}

/**
 * The class (届) a student is in by their last placement: the school year their placed grade's
 * class entered the level. Promotion keeps it; a student held in the final grade (not graduated
 * with their class) keeps it too, until a repeat moves them to the next class. Null before any
 * placement.
 */
export function classOf(state: StudentState, stages: SchoolStages): number | null {
  if (state.placedGrade === null || state.placedIn === null) return null;
  return (
    state.placedIn - (state.placedGrade - stages.firstGrade(stages.levelOfGrade(state.placedGrade)))
  );
}

/** The class (届) of a student in `grade` of `level` in the school year of `date`. */
export function cohortOf(grade: number, date: string, stages: SchoolStages): number {
  return schoolYearOf(date) - (grade - stages.firstGrade(stages.levelOfGrade(grade)));
}

export function evolveStudent(state: StudentState, event: StudentEvent): StudentState {
  const data = event.data;
  const at = {
    schoolCode: data.schoolCode,
    districtCode: data.districtCode,
    lastDate: data.date,
  };
  // The facts that place a student in a grade; every other one carries the derived grade.
  const placed = {
    placedGrade: data.grade,
    placedIn: schoolYearOf(data.date),
  };
  switch (event.type) {
    case 'StudentEnrolled':
      return {
        ...state,
        ...at,
        ...placed,
        status: 'enrolled',
        entryCohort: data.entryCohort,
        gradeChangedIn: null,
        droppedOutOn: null,
        atRisk: null,
      };
    case 'StudentTransferred':
      return {
        ...state,
        ...at,
        schoolCode: event.data.toSchoolCode,
        districtCode: event.data.toDistrictCode,
      };
    case 'StudentDroppedOut':
      return { ...state, ...at, status: 'dropped-out', droppedOutOn: data.date };
    case 'StudentReturned':
      return {
        ...state,
        ...at,
        ...placed,
        status: 'enrolled',
        entryCohort: data.entryCohort,
        droppedOutOn: null,
      };
    case 'StudentRepeatedGrade':
    case 'StudentSkippedGrade':
      return { ...state, ...at, ...placed, gradeChangedIn: schoolYearOf(data.date) };
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

function requireStatus(state: StudentState, allowed: readonly StudentStatus[], rule: string): void {
  if (!allowed.includes(state.status)) {
    violation(rule, `The student is ${state.status}`, { status: state.status });
  }
}

/**
 * The student decider under a province's school system (`system`): the stages of the school a
 * command names decide the level of a grade, its final grade and the first grade of junior school.
 */
export function studentDeciderFor(
  system: SchoolSystem,
): Decider<StudentCommand, StudentEvent, StudentState> {
  return {
    decide: (command, state, clock) => decideStudent(command, state, clock, system),
    evolve: evolveStudent,
    initialState: initialStudentState,
    // A student fact happened on its day, at the school (and district) that reported it.
    envelopeOf: (event) => ({ occurredOn: event.data.date, districtCode: event.data.districtCode }),
  };
}

export function decideStudent(
  command: StudentCommand,
  state: StudentState,
  clock: Clock,
  system: SchoolSystem = DEFAULT_SCHOOL_SYSTEM,
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
  requireReportableDate(command.date, clock);
  if (command.type === 'ConfirmDeparture') {
    // Decided before anything about the student's fate or dates: a school confirming that a
    // student left it learns only whether they are still on its own register — one answer for
    // a student who moved on, dropped out or died, whenever (security.md, what a refusal
    // reveals: a county probing another's students cannot tell them apart).
    if (state.status === 'none')
      violation('student.unknown', 'The student is not enrolled anywhere', {});
    const onRegister = state.status === 'enrolled' || state.status === 'suspended';
    if (onRegister && state.schoolCode === command.schoolCode) {
      violation(
        'student.still-on-register',
        'The student is still on this school’s register: record the transfer, dropout or death',
        { status: state.status },
      );
    }
    return [];
  }
  if (state.status === 'deceased') violation('student.deceased', 'The student has died', {});
  if (state.lastDate !== null && command.date < state.lastDate) {
    violation('student.out-of-order', 'A later fact about this student is already recorded', {
      lastDate: state.lastDate,
    });
  }
  const stages = system.of(command.districtCode);
  const schoolYear = schoolYearOf(command.date);
  // The class and level of a student in `grade` on the command's date, as every event states:
  // the class of that grade this school year, or, for a student not placed anew, the class of
  // their placement (`classOf`: the same, but for one held in the final grade past their
  // class's graduation, who stays in their class until a repeat moves them).
  const inGrade = (grade: number, entryCohort: number | null, inClass?: number) => {
    const level = stages.levelOfGrade(grade);
    const cohort = inClass ?? cohortOf(grade, command.date, stages);
    return {
      student: command.student,
      schoolCode: command.schoolCode,
      districtCode: command.districtCode,
      date: command.date,
      grade,
      level,
      finalGrade: stages.finalGrade(level),
      cohort,
      entryCohort: entryCohort ?? cohort,
    };
  };

  if (command.type === 'EnrolStudent') {
    if (state.status === 'enrolled' || state.status === 'suspended') {
      violation('student.already-enrolled', 'The student is enrolled at a school already', {
        schoolCode: state.schoolCode,
      });
    }
    if (state.status === 'dropped-out')
      violation('student.dropped-out', 'A student who dropped out returns rather than enrols', {});
    requireCompulsoryGrade(command.grade);
    requireGradeTaught(command.grade, command.schoolLevel, stages);
    const juniorEntry = stages.firstGrade('junior');
    if (command.entry === 'new-entrant' && command.grade !== 1 && command.grade !== juniorEntry) {
      violation(
        'student.new-entrant-grade',
        `New entrants start in grade 1 or grade ${juniorEntry}`,
        { grade: command.grade },
      );
    }
    return [
      {
        type: 'StudentEnrolled',
        schemaVersion: 2,
        data: { ...inGrade(command.grade, null), entry: command.entry },
      },
    ];
  }
  if (state.status === 'none')
    violation('student.unknown', 'The student is not enrolled anywhere', {});
  if (command.type === 'ReturnStudent') {
    requireStatus(state, ['dropped-out'], 'student.not-dropped-out');
    requireCompulsoryGrade(command.grade);
    requireGradeTaught(command.grade, command.schoolLevel, stages);
    const droppedOutOn = state.droppedOutOn!;
    const daysOut = Math.round(
      (startOfDayUtc(command.date).getTime() - startOfDayUtc(droppedOutOn).getTime()) /
        MILLISECONDS_PER_DAY,
    );
    // Back in the level they left, they stay in the class they entered it with.
    const sameLevel =
      state.placedGrade !== null &&
      stages.levelOfGrade(state.placedGrade) === stages.levelOfGrade(command.grade);
    const gradeWhenLeft = gradeOn(state, droppedOutOn, stages) ?? command.grade;
    return [
      {
        type: 'StudentReturned',
        schemaVersion: 2,
        data: {
          ...inGrade(command.grade, sameLevel ? state.entryCohort : null),
          means: command.means,
          droppedOutOn,
          daysOut,
          fromCohort: classOf(state, stages) ?? cohortOf(gradeWhenLeft, droppedOutOn, stages),
        },
      },
    ];
  }
  if (state.schoolCode !== command.schoolCode) {
    violation('student.not-at-school', 'The student is at another school', {
      schoolCode: state.schoolCode,
    });
  }
  const grade = gradeOn(state, command.date, stages)!;
  const here = inGrade(grade, state.entryCohort, classOf(state, stages)!);
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
      requireGradeTaught(grade, command.toSchoolLevel, stages);
      return [
        {
          type: 'StudentTransferred',
          schemaVersion: 2,
          data: {
            ...here,
            toSchoolCode: command.toSchoolCode,
            toDistrictCode: command.toDistrictCode,
          },
        },
      ];
    case 'DropOutStudent':
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      return [
        { type: 'StudentDroppedOut', schemaVersion: 2, data: { ...here, reason: command.reason } },
      ];
    case 'SuspendStudent':
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      return [{ type: 'StudentSuspended', schemaVersion: 2, data: here }];
    case 'ResumeStudent':
      requireStatus(state, ['suspended'], 'student.not-suspended');
      return [{ type: 'StudentResumed', schemaVersion: 2, data: here }];
    case 'RepeatGrade': {
      // The export states a repeat recorded already (over REST, or by last year's import).
      if (
        command.asExported === true &&
        state.gradeChangedIn === schoolYear &&
        state.placedIn === schoolYear &&
        state.placedGrade === command.grade
      )
        return [];
      // 留级 keeps last year's grade for this year: only for a student promoted into this
      // year's grade (not one placed in it this year), once a year.
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      requireOneGradeChange(state, schoolYear);
      if (state.placedIn === null || state.placedIn >= schoolYear) {
        violation(
          'student.nothing-to-repeat',
          'The student was placed in this grade this school year: there is no grade to repeat',
          { grade },
        );
      }
      const lastYears = gradeOn(state, `${schoolYear}-08-31`, stages)!;
      if (command.grade !== lastYears) {
        violation('student.repeat-last-years-grade', 'A repeat keeps the grade of last year', {
          grade: command.grade,
          expectedGrade: lastYears,
        });
      }
      return [
        {
          type: 'StudentRepeatedGrade',
          schemaVersion: 1,
          data: {
            ...inGrade(lastYears, state.entryCohort),
            fromGrade: grade,
            fromCohort: here.cohort,
          },
        },
      ];
    }
    case 'SkipGrade': {
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      requireOneGradeChange(state, schoolYear);
      const level = stages.levelOfGrade(grade);
      if (command.grade !== grade + 1) {
        violation('student.skip-next-grade-only', 'A skip is into the next grade only', {
          grade: command.grade,
          expectedGrade: grade + 1,
        });
      }
      if (command.grade > stages.finalGrade(level)) {
        violation(
          'student.skip-beyond-level',
          `Grade ${grade} is the last of ${level} school: the student graduates instead`,
          { grade },
        );
      }
      return [
        {
          type: 'StudentSkippedGrade',
          schemaVersion: 1,
          data: {
            ...inGrade(command.grade, state.entryCohort),
            fromGrade: grade,
            fromCohort: here.cohort,
          },
        },
      ];
    }
    case 'ConfirmGrade':
      requireStatus(state, ['enrolled', 'suspended'], 'student.not-enrolled');
      requireStatedGrade(command.grade, grade);
      return [];
    case 'GraduateStudent': {
      // The export states a graduation from this school recorded already.
      if (command.asExported === true && state.status === 'graduated') {
        if (command.grade !== undefined) requireStatedGrade(command.grade, grade);
        return [];
      }
      requireStatus(state, ['enrolled'], 'student.not-enrolled');
      if (command.grade !== undefined) requireStatedGrade(command.grade, grade);
      const finalGrade = stages.finalGrade(here.level);
      if (grade !== finalGrade) {
        violation('student.not-in-final-grade', `Graduation is from grade ${finalGrade}`, {
          grade,
        });
      }
      return [{ type: 'StudentGraduated', schemaVersion: 2, data: here }];
    }
    case 'RecordStudentDeath':
      requireStatus(state, ['enrolled', 'suspended', 'dropped-out'], 'student.not-enrolled');
      return [{ type: 'StudentDeceased', schemaVersion: 2, data: here }];
    case 'FlagStudentAtRisk':
      requireStatus(state, ['enrolled', 'suspended'], 'student.not-enrolled');
      if (state.atRisk !== null)
        violation('student.already-at-risk', 'The student is already flagged', {
          reason: state.atRisk,
        });
      return [
        {
          type: 'StudentFlaggedAtRisk',
          schemaVersion: 2,
          data: { ...here, reason: command.reason },
        },
      ];
    case 'ClearStudentRisk':
      if (state.atRisk === null) violation('student.not-at-risk', 'The student is not flagged', {});
      return [{ type: 'StudentRiskCleared', schemaVersion: 2, data: here }];
    default:
      return assertNever(command);
  }
}

/**
 * A school teaches its level's grades: a primary school grades 1-6 (1-5 under 五四制), a junior
 * school 7-9 (6-9), a nine-year school all nine. Unchecked when the school's level is not given.
 */
function requireGradeTaught(
  grade: number,
  schoolLevel: SchoolLevel | undefined,
  stages: SchoolStages,
): void {
  if (schoolLevel === undefined || schoolLevel === 'nine-year') return;
  if (stages.levelOfGrade(grade) !== schoolLevel) {
    violation('student.grade-not-taught', `A ${schoolLevel} school does not teach grade ${grade}`, {
      grade,
      schoolLevel,
    });
  }
}

/** A school's graduating class is of a level it teaches (a class graduation's `level`). */
export function requireLevelTaught(level: StudentLevel, schoolLevel: SchoolLevel): void {
  if (schoolLevel !== 'nine-year' && schoolLevel !== level) {
    violation('student.grade-not-taught', `A ${schoolLevel} school has no ${level} class`, {
      level,
      schoolLevel,
    });
  }
}

/** The grade a report states for the day is the one the facts give (promotion included). */
function requireStatedGrade(stated: number, grade: number): void {
  if (stated !== grade) {
    violation('student.grade-differs', `The facts recorded put the student in grade ${grade}`, {
      grade: stated,
      expectedGrade: grade,
    });
  }
}

function requireOneGradeChange(state: StudentState, schoolYear: number): void {
  if (state.gradeChangedIn === schoolYear) {
    violation(
      'student.grade-changed-this-year',
      'A repeat or a skip is already recorded for this school year',
      { schoolYear },
    );
  }
}

/** The student decider of the 六三制 (the default school system). */
export const studentDecider = studentDeciderFor(DEFAULT_SCHOOL_SYSTEM);

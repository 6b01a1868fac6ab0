import type { Decider } from '../shared/given-when-then';
import { isDistrictCode, isSchoolCode } from '../shared/administrative-codes';
import { isCalendarDate } from '../shared/calendar';
import type { Clock } from '../shared/clock';
import { DomainRuleViolation } from '../shared/domain-rule-violation';
import { requireReportableDate } from '../shared/reportable-date';
import { assertNever } from '../shared/exhaustive';
import type {
  EndTeacherRotation,
  StartTeacherRotation,
  TeacherRotationCommand,
} from './teacher-rotation.commands';
import type { TeacherRotationEvent, TeacherRotationStarted } from './teacher-rotation.events';
import { isRotationKind } from './teacher-rotation.types';

/** A teacher's rotations: at most one active at a time (domain.md, rules). */
export interface TeacherRotationState {
  readonly active: TeacherRotationStarted['data'] | null;
}

export const initialTeacherRotationState: TeacherRotationState = { active: null };

export function evolveTeacherRotation(
  state: TeacherRotationState,
  event: TeacherRotationEvent,
): TeacherRotationState {
  switch (event.type) {
    case 'TeacherRotationStarted':
      return { active: event.data };
    case 'TeacherRotationEnded':
      return { active: null };
    default:
      return assertNever(event);
  }
}

export function decideTeacherRotation(
  command: TeacherRotationCommand,
  state: TeacherRotationState,
  clock: Clock,
): TeacherRotationEvent[] {
  switch (command.type) {
    case 'StartTeacherRotation':
      return start(command, state, clock);
    case 'EndTeacherRotation':
      return end(command, state, clock);
    default:
      return assertNever(command);
  }
}

function start(
  command: StartTeacherRotation,
  state: TeacherRotationState,
  clock: Clock,
): TeacherRotationEvent[] {
  if (state.active !== null) {
    throw new DomainRuleViolation(
      'teacher-rotation.already-active',
      'The teacher is already on a rotation; end it before starting another',
      { activeRotationId: state.active.rotationId, activeSince: state.active.startDate },
    );
  }
  for (const [role, district, school] of [
    ['from', command.fromDistrictCode, command.fromSchoolCode],
    ['to', command.toDistrictCode, command.toSchoolCode],
  ] as const) {
    if (!isDistrictCode(district)) {
      throw new DomainRuleViolation(
        'organisation.unknown-district-code',
        `"${district}" is not a county code`,
        {
          role,
          districtCode: district,
        },
      );
    }
    if (!isSchoolCode(school)) {
      throw new DomainRuleViolation(
        'organisation.invalid-school-code',
        `"${school}" is not a 10-digit school code`,
        {
          role,
          schoolCode: school,
        },
      );
    }
  }
  if (command.fromSchoolCode === command.toSchoolCode) {
    throw new DomainRuleViolation(
      'teacher-rotation.same-school',
      'A rotation moves a teacher to another school',
      {
        schoolCode: command.fromSchoolCode,
      },
    );
  }
  if (!isRotationKind(command.kind)) {
    throw new DomainRuleViolation(
      'teacher-rotation.unknown-kind',
      `"${String(command.kind)}" is not a kind of rotation`,
      {
        kind: String(command.kind),
      },
    );
  }
  requireReportableDate(command.startDate, clock);
  if (!isCalendarDate(command.plannedEndDate) || command.plannedEndDate <= command.startDate) {
    throw new DomainRuleViolation(
      'teacher-rotation.end-before-start',
      'The planned end must be a date after the start',
      {
        startDate: command.startDate,
        plannedEndDate: command.plannedEndDate,
      },
    );
  }
  const { type: _type, ...data } = command;
  return [{ type: 'TeacherRotationStarted', schemaVersion: 1, data }];
}

function end(
  command: EndTeacherRotation,
  state: TeacherRotationState,
  clock: Clock,
): TeacherRotationEvent[] {
  if (state.active === null) {
    throw new DomainRuleViolation(
      'teacher-rotation.not-active',
      'The teacher is not on a rotation',
      {},
    );
  }
  requireReportableDate(command.endDate, clock);
  if (command.endDate < state.active.startDate) {
    throw new DomainRuleViolation(
      'teacher-rotation.end-before-start',
      'A rotation cannot end before it started',
      {
        startDate: state.active.startDate,
        endDate: command.endDate,
      },
    );
  }
  return [
    {
      type: 'TeacherRotationEnded',
      schemaVersion: 1,
      data: {
        rotationId: state.active.rotationId,
        teacher: state.active.teacher,
        fromDistrictCode: state.active.fromDistrictCode,
        fromSchoolCode: state.active.fromSchoolCode,
        endDate: command.endDate,
      },
    },
  ];
}

export const teacherRotationDecider: Decider<
  TeacherRotationCommand,
  TeacherRotationEvent,
  TeacherRotationState
> = {
  decide: decideTeacherRotation,
  evolve: evolveTeacherRotation,
  initialState: initialTeacherRotationState,
  // A rotation counts for the teacher's home district, from its start and at its end.
  envelopeOf: (event) => ({
    occurredOn: event.type === 'TeacherRotationStarted' ? event.data.startDate : event.data.endDate,
    districtCode: event.data.fromDistrictCode,
  }),
};

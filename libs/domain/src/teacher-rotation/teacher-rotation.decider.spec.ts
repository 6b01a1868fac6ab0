import { fixedClock, given } from '../shared/given-when-then';
import type { StartTeacherRotation } from './teacher-rotation.commands';
import { teacherRotationDecider } from './teacher-rotation.decider';
import type { TeacherRotationStarted } from './teacher-rotation.events';

// Seed 001: an urban demonstration school sends a backbone teacher to a village school for a year.
const clock = fixedClock('2024-09-02T08:00:00.000Z');
const teacher = 'k1.pseudonym-of-a-teacher';

const startCommand: StartTeacherRotation = {
  type: 'StartTeacherRotation',
  rotationId: 'r-1',
  teacher,
  fromDistrictCode: '440311',
  fromSchoolCode: '3144031101',
  toDistrictCode: '440311',
  toSchoolCode: '3144031104',
  kind: 'supported-teaching',
  subject: 'mathematics',
  backbone: true,
  startDate: '2024-09-01',
  plannedEndDate: '2025-07-15',
};

const started: TeacherRotationStarted = {
  type: 'TeacherRotationStarted',
  schemaVersion: 1,
  data: {
    rotationId: 'r-1',
    teacher,
    fromDistrictCode: '440311',
    fromSchoolCode: '3144031101',
    toDistrictCode: '440311',
    toSchoolCode: '3144031104',
    kind: 'supported-teaching',
    subject: 'mathematics',
    backbone: true,
    startDate: '2024-09-01',
    plannedEndDate: '2025-07-15',
  },
};

describe('teacher rotation', () => {
  it('starts a rotation to another school', () => {
    expect(given(teacherRotationDecider, clock).when(startCommand)).toEqual({ events: [started] });
  });

  it('keeps a teacher on one rotation at a time', () => {
    expect(
      given(teacherRotationDecider, clock, [started]).when({ ...startCommand, rotationId: 'r-2' }),
    ).toEqual({
      violation: {
        rule: 'teacher-rotation.already-active',
        facts: { activeRotationId: 'r-1', activeSince: '2024-09-01' },
      },
    });
  });

  it('ends the active rotation, after which a new one may start', () => {
    const ended = given(teacherRotationDecider, clock, [started]).when({
      type: 'EndTeacherRotation',
      teacher,
      endDate: '2024-09-02',
    });
    expect(ended).toEqual({
      events: [
        {
          type: 'TeacherRotationEnded',
          schemaVersion: 1,
          data: {
            rotationId: 'r-1',
            teacher,
            fromDistrictCode: '440311',
            fromSchoolCode: '3144031101',
            endDate: '2024-09-02',
          },
        },
      ],
    });
    const history = [started, ...('events' in ended ? ended.events : [])];
    expect(
      given(teacherRotationDecider, clock, history).when({ ...startCommand, rotationId: 'r-2' }),
    ).toMatchObject({
      events: [{ type: 'TeacherRotationStarted', data: { rotationId: 'r-2' } }],
    });
  });

  it.each([
    [{ toSchoolCode: '3144031101' }, 'teacher-rotation.same-school', { schoolCode: '3144031101' }],
    [{ kind: 'holiday' }, 'teacher-rotation.unknown-kind', { kind: 'holiday' }],
    [
      { plannedEndDate: '2024-08-31' },
      'teacher-rotation.end-before-start',
      { startDate: '2024-09-01', plannedEndDate: '2024-08-31' },
    ],
    [
      { startDate: '2024-09-05' },
      'calendar.date-in-future',
      { date: '2024-09-05', today: '2024-09-02' },
    ],
    [
      { toDistrictCode: '4403' },
      'organisation.unknown-district-code',
      { role: 'to', districtCode: '4403' },
    ],
    [
      { fromSchoolCode: '31440311' },
      'organisation.invalid-school-code',
      { role: 'from', schoolCode: '31440311' },
    ],
  ])('refuses %j with %s', (change, rule, facts) => {
    const command = { ...startCommand, ...change } as StartTeacherRotation;
    expect(given(teacherRotationDecider, clock).when(command)).toEqual({
      violation: { rule, facts },
    });
  });

  it('refuses to end a rotation that is not active, or before it started', () => {
    expect(
      given(teacherRotationDecider, clock).when({
        type: 'EndTeacherRotation',
        teacher,
        endDate: '2024-09-02',
      }),
    ).toEqual({
      violation: { rule: 'teacher-rotation.not-active', facts: {} },
    });
    expect(
      given(teacherRotationDecider, clock, [started]).when({
        type: 'EndTeacherRotation',
        teacher,
        endDate: '2024-08-20',
      }),
    ).toEqual({
      violation: {
        rule: 'teacher-rotation.end-before-start',
        facts: { startDate: '2024-09-01', endDate: '2024-08-20' },
      },
    });
  });
});

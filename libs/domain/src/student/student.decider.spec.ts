import { fixedClock, given } from '../shared/given-when-then';
import type { StudentCommand } from './student.commands';
import { evolveStudent, initialStudentState, studentDecider } from './student.decider';
import type { StudentEvent } from './student.events';

const clock = fixedClock('2025-10-01T08:00:00.000Z');
const student = 'k1.pseudonym-of-a-student';
const at = { student, schoolCode: '3144031103', districtCode: '440311' };

// Grade 8 in the school year 2024: junior school, the class (届) that entered grade 7 in 2023.
const grade8 = {
  grade: 8,
  level: 'junior',
  finalGrade: 9,
  cohort: 2023,
  entryCohort: 2023,
} as const;
const enrolled: StudentEvent = {
  type: 'StudentEnrolled',
  schemaVersion: 2,
  data: { ...at, ...grade8, date: '2024-09-01', entry: 'transfer-in' },
};
const droppedOut: StudentEvent = {
  type: 'StudentDroppedOut',
  schemaVersion: 2,
  data: { ...at, ...grade8, date: '2025-03-10', reason: 'work' },
};

function when(history: StudentEvent[], command: StudentCommand) {
  return given(studentDecider, clock, history).when(command);
}

describe('student', () => {
  // Seed 003 (控辍保学): a grade-8 student leaves for work in March and is persuaded back in
  // September (劝返复学); the sweep of March and September is what finds such children.
  it('drops out while enrolled and returns after dropping out, counting the days out', () => {
    expect(
      when([enrolled], { type: 'DropOutStudent', ...at, date: '2025-03-10', reason: 'work' }),
    ).toEqual({
      events: [droppedOut],
    });
    expect(
      when([enrolled, droppedOut], {
        type: 'ReturnStudent',
        ...at,
        date: '2025-09-01',
        grade: 8,
        means: 'persuasion',
      }),
    ).toEqual({
      events: [
        {
          type: 'StudentReturned',
          schemaVersion: 2,
          data: {
            ...at,
            // Back in grade 8 a year on: in the next class, still of the class it entered with.
            ...grade8,
            cohort: 2024,
            date: '2025-09-01',
            means: 'persuasion',
            droppedOutOn: '2025-03-10',
            daysOut: 175,
            fromCohort: 2023,
          },
        },
      ],
    });
  });

  it('only returns a student who dropped out, and only drops out one who is enrolled', () => {
    expect(
      when([enrolled], {
        type: 'ReturnStudent',
        ...at,
        date: '2025-09-01',
        grade: 8,
        means: 'own-accord',
      }),
    ).toEqual({
      violation: { rule: 'student.not-dropped-out', facts: { status: 'enrolled' } },
    });
    expect(
      when([enrolled, droppedOut], {
        type: 'DropOutStudent',
        ...at,
        date: '2025-04-01',
        reason: 'work',
      }),
    ).toEqual({
      violation: { rule: 'student.not-enrolled', facts: { status: 'dropped-out' } },
    });
  });

  it('enrols only a student not enrolled elsewhere; a student who dropped out returns instead', () => {
    const elsewhere = {
      type: 'EnrolStudent' as const,
      ...at,
      schoolCode: '3144031104',
      date: '2024-10-01',
      grade: 8,
      entry: 'transfer-in' as const,
    };
    expect(when([enrolled], elsewhere)).toEqual({
      violation: { rule: 'student.already-enrolled', facts: { schoolCode: '3144031103' } },
    });
    expect(when([enrolled, droppedOut], { ...elsewhere, date: '2025-09-01' })).toEqual({
      violation: { rule: 'student.dropped-out', facts: {} },
    });
    expect(when([], { ...elsewhere, entry: 'new-entrant' })).toEqual({
      violation: { rule: 'student.new-entrant-grade', facts: { grade: 8 } },
    });
  });

  it('graduates only from the final grade of the level, reached by promotion', () => {
    expect(when([enrolled], { type: 'GraduateStudent', ...at, date: '2025-07-01' })).toEqual({
      violation: { rule: 'student.not-in-final-grade', facts: { grade: 8 } },
    });
    // On 1 September 2025 the grade-8 student moved up to grade 9 without anyone re-entering it.
    const july2026 = fixedClock('2026-07-02T08:00:00.000Z');
    expect(
      given(studentDecider, july2026, [enrolled]).when({
        type: 'GraduateStudent',
        ...at,
        date: '2026-07-01',
      }),
    ).toEqual({
      events: [
        {
          type: 'StudentGraduated',
          schemaVersion: 2,
          data: { ...at, ...grade8, grade: 9, date: '2026-07-01' },
        },
      ],
    });
  });

  it('transfers to another school, which then reports about the student', () => {
    const transferred = when([enrolled], {
      type: 'TransferStudent',
      ...at,
      date: '2025-02-01',
      toSchoolCode: '3144030501',
      toDistrictCode: '440305',
    });
    expect(transferred).toMatchObject({
      events: [{ type: 'StudentTransferred', data: { toSchoolCode: '3144030501' } }],
    });
    const history = [enrolled, ...('events' in transferred ? transferred.events : [])];
    const state = history.reduce(evolveStudent, initialStudentState);
    expect(state).toMatchObject({
      status: 'enrolled',
      schoolCode: '3144030501',
      districtCode: '440305',
    });
    expect(when(history, { type: 'SuspendStudent', ...at, date: '2025-03-01' })).toEqual({
      violation: { rule: 'student.not-at-school', facts: { schoolCode: '3144030501' } },
    });
  });

  it('suspends and resumes; flags and clears risk; records a death, after which nothing changes', () => {
    const suspended = when([enrolled], { type: 'SuspendStudent', ...at, date: '2024-11-01' });
    expect(suspended).toMatchObject({ events: [{ type: 'StudentSuspended' }] });
    expect(when([enrolled], { type: 'ResumeStudent', ...at, date: '2024-11-01' })).toMatchObject({
      violation: { rule: 'student.not-suspended' },
    });
    const flagged = when([enrolled], {
      type: 'FlagStudentAtRisk',
      ...at,
      date: '2024-10-01',
      reason: 'wavering',
    });
    const history = [enrolled, ...('events' in flagged ? flagged.events : [])];
    expect(
      when(history, { type: 'FlagStudentAtRisk', ...at, date: '2024-10-02', reason: 'poverty' }),
    ).toMatchObject({
      violation: { rule: 'student.already-at-risk', facts: { reason: 'wavering' } },
    });
    expect(when(history, { type: 'ClearStudentRisk', ...at, date: '2024-12-01' })).toMatchObject({
      events: [{ type: 'StudentRiskCleared' }],
    });
    const died = when([enrolled], { type: 'RecordStudentDeath', ...at, date: '2025-01-05' });
    const afterDeath = [enrolled, ...('events' in died ? died.events : [])];
    expect(when(afterDeath, { type: 'SuspendStudent', ...at, date: '2025-02-01' })).toMatchObject({
      violation: { rule: 'student.deceased' },
    });
  });

  it('refuses facts out of order, unknown students and grades outside 1 to 9', () => {
    expect(
      when([enrolled, droppedOut], {
        type: 'ReturnStudent',
        ...at,
        date: '2025-03-01',
        grade: 8,
        means: 'persuasion',
      }),
    ).toEqual({
      violation: { rule: 'student.out-of-order', facts: { lastDate: '2025-03-10' } },
    });
    expect(
      when([], { type: 'DropOutStudent', ...at, date: '2025-03-10', reason: 'illness' }),
    ).toMatchObject({
      violation: { rule: 'student.unknown' },
    });
    expect(
      when([], {
        type: 'EnrolStudent',
        ...at,
        date: '2024-09-01',
        grade: 10,
        entry: 'transfer-in',
      }),
    ).toMatchObject({
      violation: { rule: 'student.invalid-grade', facts: { grade: 10 } },
    });
  });
});

describe('student: remaining rules', () => {
  it('refuses a transfer to the same school and clearing a risk that was never flagged', () => {
    expect(
      when([enrolled], {
        type: 'TransferStudent',
        ...at,
        date: '2025-02-01',
        toSchoolCode: at.schoolCode,
        toDistrictCode: '440311',
      }),
    ).toEqual({
      violation: { rule: 'student.invalid-transfer', facts: { toSchoolCode: at.schoolCode } },
    });
    expect(when([enrolled], { type: 'ClearStudentRisk', ...at, date: '2025-02-01' })).toEqual({
      violation: { rule: 'student.not-at-risk', facts: {} },
    });
  });
});

import { fixedClock, given } from '../shared/given-when-then';
import { SchoolStages, SchoolSystem } from './school-stages';
import type { StudentCommand } from './student.commands';
import {
  evolveStudent,
  gradeOn,
  initialStudentState,
  studentDecider,
  studentDeciderFor,
} from './student.decider';
import type { StudentEvent } from './student.events';

const clock = fixedClock('2031-10-01T08:00:00.000Z');
const student = 'k1.pseudonym-of-a-student';
const at = { student, schoolCode: '3144031103', districtCode: '440311' };
// Shanghai (31) runs 五四制; Guangdong (44) the default 六三制.
const shanghai = { student, schoolCode: '3131010101', districtCode: '310101' };
const system = SchoolSystem.parse('6+3,31:5+4');

/** Runs commands one after another, as the api would, and returns the events they recorded. */
function record(commands: StudentCommand[], decider = studentDecider): StudentEvent[] {
  const history: StudentEvent[] = [];
  for (const command of commands) {
    const outcome = given(decider, clock, history).when(command);
    if (!('events' in outcome)) {
      throw new Error(`${command.type} on ${command.date}: ${JSON.stringify(outcome.violation)}`);
    }
    history.push(...outcome.events);
  }
  return history;
}

const enrolGrade1 = {
  type: 'EnrolStudent',
  ...at,
  date: '2019-09-01',
  grade: 1,
  entry: 'new-entrant',
} as const;

function when(history: StudentEvent[], command: StudentCommand, decider = studentDecider) {
  return given(decider, clock, history).when(command);
}

describe('the school year turns over (升级)', () => {
  it('moves a student up one grade each 1 September, so the 2019 entrant graduates in 2025', () => {
    const history = record([enrolGrade1]);
    const state = history.reduce(evolveStudent, initialStudentState);
    const stages = SchoolStages.SIX_THREE;
    expect(gradeOn(state, '2020-08-31', stages)).toBe(1);
    expect(gradeOn(state, '2020-09-01', stages)).toBe(2);
    expect(gradeOn(state, '2024-09-01', stages)).toBe(6);
    // Held at the final grade of primary school: not promoted out of the level.
    expect(gradeOn(state, '2026-09-01', stages)).toBe(6);

    const transferred = record([
      enrolGrade1,
      {
        type: 'TransferStudent',
        ...at,
        date: '2022-03-01',
        toSchoolCode: '3144031104',
        toDistrictCode: '440311',
      },
      { type: 'GraduateStudent', ...at, schoolCode: '3144031104', date: '2025-07-04' },
    ]);
    // Each fact states the grade of its day and the class (届) of 2019.
    expect(transferred.map((event) => [event.type, event.data.grade, event.data.cohort])).toEqual([
      ['StudentEnrolled', 1, 2019],
      ['StudentTransferred', 3, 2019],
      ['StudentGraduated', 6, 2019],
    ]);
    expect(transferred.at(-1)!.data).toMatchObject({ level: 'primary', finalGrade: 6 });
  });

  it('keeps a repeater in last year’s grade for one year, in the next class', () => {
    const history = record([
      enrolGrade1,
      { type: 'RepeatGrade', ...at, date: '2022-09-01', grade: 3 },
    ]);
    expect(history.at(-1)).toEqual({
      type: 'StudentRepeatedGrade',
      schemaVersion: 1,
      data: {
        ...at,
        date: '2022-09-01',
        grade: 3,
        level: 'primary',
        finalGrade: 6,
        cohort: 2020,
        entryCohort: 2019,
        fromGrade: 4,
        fromCohort: 2019,
      },
    });
    const state = history.reduce(evolveStudent, initialStudentState);
    expect(gradeOn(state, '2023-06-30', SchoolStages.SIX_THREE)).toBe(3);
    expect(gradeOn(state, '2023-09-01', SchoolStages.SIX_THREE)).toBe(4);
    // A year later than the class it entered with.
    expect(when(history, { type: 'GraduateStudent', ...at, date: '2025-07-04' })).toMatchObject({
      violation: { rule: 'student.not-in-final-grade', facts: { grade: 5 } },
    });
    expect(when(history, { type: 'GraduateStudent', ...at, date: '2026-07-03' })).toMatchObject({
      events: [{ data: { grade: 6, cohort: 2020, entryCohort: 2019 } }],
    });
  });

  it('keeps a student held in the final grade in their class until a repeat moves them on', () => {
    // The class of 2019 graduates in July 2025; this student does not.
    const resumed = record([
      enrolGrade1,
      { type: 'SuspendStudent', ...at, date: '2025-03-01' },
      { type: 'ResumeStudent', ...at, date: '2025-09-05' },
    ]);
    // Still in grade 6 a year on, and still in the class of 2019.
    expect(resumed.at(-1)?.data).toMatchObject({ grade: 6, cohort: 2019, entryCohort: 2019 });
    // 留级 of grade 6: out of the class of 2019, into the class of 2020.
    const repeated = record([
      enrolGrade1,
      { type: 'SuspendStudent', ...at, date: '2025-03-01' },
      { type: 'ResumeStudent', ...at, date: '2025-09-05' },
      { type: 'RepeatGrade', ...at, date: '2025-09-10', grade: 6 },
    ]);
    expect(repeated.at(-1)?.data).toMatchObject({
      grade: 6,
      fromGrade: 6,
      cohort: 2020,
      fromCohort: 2019,
      entryCohort: 2019,
    });
    expect(when(repeated, { type: 'GraduateStudent', ...at, date: '2026-07-03' })).toMatchObject({
      events: [{ data: { grade: 6, cohort: 2020 } }],
    });
    // A dropout in the held year returns from their own class.
    const returned = record([
      enrolGrade1,
      { type: 'SuspendStudent', ...at, date: '2025-03-01' },
      { type: 'ResumeStudent', ...at, date: '2025-09-05' },
      { type: 'DropOutStudent', ...at, date: '2025-10-01', reason: 'work' },
      { type: 'ReturnStudent', ...at, date: '2025-11-01', grade: 6, means: 'persuasion' },
    ]);
    expect(returned.at(-1)?.data).toMatchObject({ cohort: 2020, fromCohort: 2019 });
  });

  it('repeats only last year’s grade, once a year, for a student promoted on the register', () => {
    const history = record([enrolGrade1]);
    expect(when(history, { type: 'RepeatGrade', ...at, date: '2019-10-01', grade: 1 })).toEqual({
      violation: { rule: 'student.nothing-to-repeat', facts: { grade: 1 } },
    });
    expect(when(history, { type: 'RepeatGrade', ...at, date: '2020-09-01', grade: 2 })).toEqual({
      violation: {
        rule: 'student.repeat-last-years-grade',
        facts: { grade: 2, expectedGrade: 1 },
      },
    });
    const repeated = record([enrolGrade1, { ...repeat, date: '2020-09-01', grade: 1 }]);
    expect(when(repeated, { type: 'SkipGrade', ...at, date: '2021-03-01', grade: 2 })).toEqual({
      violation: { rule: 'student.grade-changed-this-year', facts: { schoolYear: 2020 } },
    });
    const droppedOut = record([
      enrolGrade1,
      { type: 'DropOutStudent', ...at, date: '2020-05-01', reason: 'illness' },
    ]);
    expect(when(droppedOut, { ...repeat, date: '2020-09-01', grade: 1 })).toEqual({
      violation: { rule: 'student.not-enrolled', facts: { status: 'dropped-out' } },
    });
    expect(when([], { ...repeat, date: '2020-09-01', grade: 1 })).toMatchObject({
      violation: { rule: 'student.unknown' },
    });
  });

  it('skips into the next grade only, never out of the level', () => {
    const history = record([enrolGrade1]);
    expect(when(history, { type: 'SkipGrade', ...at, date: '2021-02-01', grade: 4 })).toEqual({
      violation: { rule: 'student.skip-next-grade-only', facts: { grade: 4, expectedGrade: 3 } },
    });
    const skipped = record([
      enrolGrade1,
      { type: 'SkipGrade', ...at, date: '2021-02-01', grade: 3 },
    ]);
    expect(skipped.at(-1)!.data).toMatchObject({ grade: 3, cohort: 2018, fromCohort: 2019 });
    // A year early: grade 6 in 2023, graduating in July 2024.
    expect(when(skipped, { type: 'GraduateStudent', ...at, date: '2024-07-05' })).toMatchObject({
      events: [{ data: { grade: 6, cohort: 2018, entryCohort: 2019 } }],
    });
    expect(when(skipped, { type: 'SkipGrade', ...at, date: '2023-09-01', grade: 7 })).toMatchObject(
      { violation: { rule: 'student.skip-beyond-level', facts: { grade: 6 } } },
    );
  });

  it('follows 五四制 where the province runs it: five primary years, junior from grade 6', () => {
    const decider = studentDeciderFor(system);
    const primary = record(
      [
        { ...enrolGrade1, ...shanghai },
        { type: 'GraduateStudent', ...shanghai, date: '2024-07-05' },
      ],
      decider,
    );
    expect(primary.at(-1)!.data).toMatchObject({ grade: 5, level: 'primary', finalGrade: 5 });
    const junior = record(
      [
        { ...enrolGrade1, ...shanghai, date: '2024-09-01', grade: 6 },
        { type: 'GraduateStudent', ...shanghai, date: '2028-07-05' },
      ],
      decider,
    );
    expect(junior.map((event) => [event.data.grade, event.data.level, event.data.cohort])).toEqual([
      [6, 'junior', 2024],
      [9, 'junior', 2024],
    ]);
    // Grade 7 is no entry grade there; nor is grade 6 under 六三制.
    expect(
      when([], { ...enrolGrade1, ...shanghai, date: '2024-09-01', grade: 7 }, decider),
    ).toMatchObject({ violation: { rule: 'student.new-entrant-grade' } });
    expect(when([], { ...enrolGrade1, date: '2024-09-01', grade: 6 }, decider)).toMatchObject({
      violation: { rule: 'student.new-entrant-grade' },
    });
  });

  it('checks the rollover export’s promotions and departures, recording nothing', () => {
    const history = record([enrolGrade1]);
    expect(when(history, { type: 'ConfirmGrade', ...at, date: '2021-09-01', grade: 3 })).toEqual({
      events: [],
    });
    expect(when(history, { type: 'ConfirmGrade', ...at, date: '2021-09-01', grade: 2 })).toEqual({
      violation: { rule: 'student.grade-differs', facts: { grade: 2, expectedGrade: 3 } },
    });
    expect(when(history, { type: 'ConfirmDeparture', ...at, date: '2021-09-01' })).toEqual({
      violation: { rule: 'student.still-on-register', facts: { status: 'enrolled' } },
    });
    const elsewhere = { ...at, schoolCode: '3144031104' };
    expect(when(history, { type: 'ConfirmDeparture', ...elsewhere, date: '2021-09-01' })).toEqual({
      events: [],
    });
    // One answer whatever became of a student who is not on the school's register: moved on,
    // dropped out or died, and whatever the date of their last fact.
    const died = record([enrolGrade1, { type: 'RecordStudentDeath', ...at, date: '2022-05-01' }]);
    const droppedOut = record([
      enrolGrade1,
      { type: 'DropOutStudent', ...at, date: '2022-05-01', reason: 'work' },
    ]);
    for (const fate of [died, droppedOut])
      for (const date of ['2022-04-30', '2022-05-01', '2023-09-01'])
        expect(when(fate, { type: 'ConfirmDeparture', ...elsewhere, date })).toEqual({
          events: [],
        });
    expect(
      when(history, { type: 'GraduateStudent', ...at, date: '2025-07-04', grade: 5 }),
    ).toMatchObject({ violation: { rule: 'student.grade-differs' } });
    // What the export states and the facts already hold is confirmed; sent again one by one, it
    // is refused as before.
    const graduated = record([enrolGrade1, { type: 'GraduateStudent', ...at, date: '2025-07-04' }]);
    const exported = { ...at, date: '2025-08-31', asExported: true } as const;
    expect(when(graduated, { type: 'GraduateStudent', ...exported, grade: 6 })).toEqual({
      events: [],
    });
    expect(when(graduated, { type: 'GraduateStudent', ...exported, grade: 5 })).toMatchObject({
      violation: { rule: 'student.grade-differs' },
    });
    expect(when(graduated, { type: 'GraduateStudent', ...at, date: '2025-08-31' })).toMatchObject({
      violation: { rule: 'student.not-enrolled' },
    });
    const repeated = record([
      enrolGrade1,
      { type: 'RepeatGrade', ...at, date: '2021-09-01', grade: 2 },
    ]);
    expect(
      when(repeated, { type: 'RepeatGrade', ...exported, date: '2021-09-02', grade: 2 }),
    ).toEqual({ events: [] });
    expect(
      when(repeated, { type: 'RepeatGrade', ...at, date: '2021-09-02', grade: 2 }),
    ).toMatchObject({ violation: { rule: 'student.grade-changed-this-year' } });
  });

  it('keeps a student to the grades their school teaches', () => {
    const primarySchool = { ...enrolGrade1, schoolLevel: 'primary' } as const;
    expect(when([], { ...primarySchool, grade: 7 })).toEqual({
      violation: { rule: 'student.grade-not-taught', facts: { grade: 7, schoolLevel: 'primary' } },
    });
    expect(when([], { ...enrolGrade1, grade: 7, schoolLevel: 'nine-year' })).toMatchObject({
      events: [{ data: { grade: 7, level: 'junior' } }],
    });
    const droppedOut = record([
      enrolGrade1,
      { type: 'DropOutStudent', ...at, date: '2021-03-01', reason: 'work' },
    ]);
    expect(
      when(droppedOut, {
        type: 'ReturnStudent',
        ...at,
        date: '2021-04-01',
        grade: 9,
        means: 'persuasion',
        schoolLevel: 'primary',
      }),
    ).toMatchObject({ violation: { rule: 'student.grade-not-taught' } });
    const enrolled = record([enrolGrade1]);
    const toJunior = {
      type: 'TransferStudent',
      ...at,
      date: '2021-03-01',
      toSchoolCode: '3144031102',
      toDistrictCode: '440311',
    } as const;
    expect(when(enrolled, { ...toJunior, toSchoolLevel: 'junior' })).toMatchObject({
      violation: { rule: 'student.grade-not-taught', facts: { grade: 2, schoolLevel: 'junior' } },
    });
    expect(when(enrolled, { ...toJunior, toSchoolLevel: 'primary' })).toMatchObject({
      events: [{ type: 'StudentTransferred' }],
    });
  });

  it('reads the school system from configuration and refuses what is not one', () => {
    expect(SchoolSystem.parse('').describe()).toBe('6+3');
    expect(SchoolSystem.parse('5+4').of('440311').name).toBe('5+4');
    expect(system.of('310101').name).toBe('5+4');
    expect(system.of('440311').name).toBe('6+3');
    expect(() => SchoolSystem.parse('6+2')).toThrow(/school system/);
    expect(() => SchoolSystem.parse('6+3,shanghai:5+4')).toThrow(/province code/);
  });
});

const repeat = { type: 'RepeatGrade', ...at } as const;

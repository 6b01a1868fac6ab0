import type { LessonExchangeKind, StudentCommand } from '@junheng/domain';

export interface DemoLessonExchange {
  readonly key: string;
  readonly districtCode: string;
  readonly hostSchoolCode: string;
  readonly visitingSchoolCode: string;
  readonly kind: LessonExchangeKind;
  readonly subject: string;
  readonly date: string;
  readonly attendees: number;
}

/**
 * The "百校扶百校" pairing of seed 004: Nanshan (南山区, 440305) schools supporting Guangming
 * (光明区, 440311) schools, over the autumn term of school year 2024. Seed 000's demonstration
 * lesson with 67 人次 opens it. School codes are illustrative, not real 学校标识码.
 */
export const GUANGMING_SCHOOLS = ['3144031101', '3144031102', '3144031103', '3144031104'];
export const NANSHAN_SCHOOLS = ['3144030501', '3144030502', '3144030503', '3144030504'];
const KINDS: readonly LessonExchangeKind[] = [
  'demonstration',
  'lecture',
  'mutual-observation',
  'joint-preparation',
  'open',
  'outreach',
];
const SUBJECTS = ['chinese', 'mathematics', 'english', 'science', 'physical-education', 'arts'];
const MONTHS = ['2024-09', '2024-10', '2024-11', '2024-12'];

export const DEMO_LESSON_EXCHANGES: readonly DemoLessonExchange[] = MONTHS.flatMap((month, m) =>
  GUANGMING_SCHOOLS.flatMap((host, h) =>
    [0, 1].map((round) => {
      const n = m * 8 + h * 2 + round;
      return {
        key: `demo-lesson-exchange-${n}`,
        districtCode: '440311',
        hostSchoolCode: host,
        visitingSchoolCode: NANSHAN_SCHOOLS[(h + round) % NANSHAN_SCHOOLS.length]!,
        kind: KINDS[n % KINDS.length]!,
        subject: SUBJECTS[(n * 5) % SUBJECTS.length]!,
        date: `${month}-${String(8 + round * 10 + h).padStart(2, '0')}`,
        attendees: n === 0 ? 67 : 20 + ((n * 13) % 40),
      };
    }),
  ),
);

/** The schools of the demo, registered first so every fact is attributed through the hierarchy. */
export const DEMO_SCHOOLS = [
  ...GUANGMING_SCHOOLS.map((schoolCode, index) => ({
    schoolCode,
    name: ['光明区凤凰小学', '光明区公明中学', '光明区实验学校', '光明区村小'][index]!,
    districtCode: '440311',
    urbanRuralCode: index === 3 ? ('220' as const) : ('121' as const),
    level:
      index === 1
        ? ('junior' as const)
        : index === 2
          ? ('nine-year' as const)
          : ('primary' as const),
    weak: true,
    registeredOn: '2010-09-01',
  })),
  ...NANSHAN_SCHOOLS.map((schoolCode, index) => ({
    schoolCode,
    name: ['南山实验学校', '南山外国语学校', '南山第二实验学校', '南山小学'][index]!,
    districtCode: '440305',
    urbanRuralCode: '111' as const,
    level:
      index === 1
        ? ('junior' as const)
        : index === 0
          ? ('nine-year' as const)
          : ('primary' as const),
    weak: false,
    registeredOn: '2000-09-01',
  })),
];

/**
 * Seed 004's special funds: 100,000 yuan to each of 6 schools, 50,000 to each of 10 and 80,000
 * to one — 1.18 million — here spread over the four Guangming schools.
 */
export const DEMO_PROGRAMME = {
  programmeId: 'guangming-bai-xiao-fu-bai-xiao-2024',
  name: '百校扶百校专项经费',
  level: 'district' as const,
  ownerCode: '440311',
  fiscalYear: 2024,
  budgetFen: 1_180_000 * 100,
  budgetedOn: '2024-03-01',
};

export const DEMO_ALLOCATIONS = [
  ...Array.from({ length: 6 }, () => 100_000),
  ...Array.from({ length: 10 }, () => 50_000),
  80_000,
].map((yuan, index) => ({
  programmeId: DEMO_PROGRAMME.programmeId,
  allocationId: `demo-allocation-${index + 1}`,
  districtCode: '440311',
  schoolCode: GUANGMING_SCHOOLS[index % GUANGMING_SCHOOLS.length]!,
  amountFen: yuan * 100,
  purpose: 'pairing-activity' as const,
  allocatedOn: '2024-04-01',
}));

/** Seed 003's story: a junior student leaves for work in March and is persuaded back in September. */
export const DEMO_STUDENT_NUMBERS = [
  'G440311201003150021',
  'G440311201105220034',
  'G44031120100901004X',
];

/** A student command without its student: each kind keeps its own fields. */
type WithoutStudent<Command> = Command extends unknown ? Omit<Command, 'student'> : never;

/** One student fact of the demo's cohorts, before its 学籍号 is pseudonymised. */
export interface DemoStudentFact {
  readonly key: string;
  readonly studentNumber: string;
  readonly command: WithoutStudent<StudentCommand>;
}

/**
 * Six school years of two classes per district (issue 14), so that cohort consolidation has a
 * value for every district: the primary class that entered grade 1 in September 2019 and the
 * junior class that entered grade 7 in September 2022, both graduating in July 2025. Nobody
 * records a promotion: each September moves them up by itself. Along the way, as in any
 * county: a transfer between the districts, a repeater (留级), a dropout persuaded back, and in
 * Nanshan one who is not.
 */
export const DEMO_COHORTS: readonly DemoStudentFact[] = (
  [
    { district: '440311', primary: GUANGMING_SCHOOLS[0]!, junior: GUANGMING_SCHOOLS[1]! },
    { district: '440305', primary: NANSHAN_SCHOOLS[3]!, junior: NANSHAN_SCHOOLS[1]! },
  ] as const
).flatMap(({ district, primary, junior }, d) => {
  const other = d === 0 ? NANSHAN_SCHOOLS[3]! : GUANGMING_SCHOOLS[0]!;
  const otherDistrict = d === 0 ? '440305' : '440311';
  const number = (serial: number) =>
    `G${district}2013${String(d * 100 + serial).padStart(7, '0')}${serial % 10}`;
  const facts: DemoStudentFact[] = [];
  const fact = (serial: number, step: string, command: DemoStudentFact['command']) =>
    facts.push({
      key: `cohort:${district}:${serial}:${step}`,
      studentNumber: number(serial),
      command,
    });
  const at = (schoolCode: string, date: string) => ({ schoolCode, districtCode: district, date });

  // The primary class of 2019: twelve entrants.
  for (let serial = 1; serial <= 12; serial += 1) {
    fact(serial, 'enrol', {
      type: 'EnrolStudent',
      ...at(primary, '2019-09-01'),
      grade: 1,
      entry: 'new-entrant',
    });
  }
  // Year 3: one moves to the other district (and graduates there).
  fact(2, 'transfer', {
    type: 'TransferStudent',
    ...at(primary, '2021-11-15'),
    toSchoolCode: other,
    toDistrictCode: otherDistrict,
  });
  // Year 4: one repeats grade 3 and graduates a year later, with the class of 2020.
  fact(4, 'repeat', { type: 'RepeatGrade', ...at(primary, '2022-09-01'), grade: 3 });
  // Year 4: one drops out in March; Guangming brings the child back in May, Nanshan does not.
  fact(5, 'dropout', { type: 'DropOutStudent', ...at(primary, '2023-03-20'), reason: 'poverty' });
  if (d === 0) {
    fact(5, 'return', {
      type: 'ReturnStudent',
      ...at(primary, '2023-05-08'),
      grade: 4,
      means: 'persuasion',
    });
  }
  for (let serial = 1; serial <= 12; serial += 1) {
    if (serial === 2 || serial === 4 || (serial === 5 && d === 1)) continue;
    fact(serial, 'graduate', { type: 'GraduateStudent', ...at(primary, '2025-07-04') });
  }
  fact(2, 'graduate', {
    type: 'GraduateStudent',
    schoolCode: other,
    districtCode: otherDistrict,
    date: '2025-07-04',
  });
  fact(4, 'graduate', { type: 'GraduateStudent', ...at(primary, '2026-07-03') });

  // The junior class of 2022: eight entrants, one more in year 2; one drops out in year 2.
  for (let serial = 21; serial <= 28; serial += 1) {
    fact(serial, 'enrol', {
      type: 'EnrolStudent',
      ...at(junior, '2022-09-01'),
      grade: 7,
      entry: 'new-entrant',
    });
  }
  fact(29, 'enrol', {
    type: 'EnrolStudent',
    ...at(junior, '2023-09-04'),
    grade: 8,
    entry: 'transfer-in',
  });
  fact(23, 'dropout', { type: 'DropOutStudent', ...at(junior, '2024-04-01'), reason: 'work' });
  for (let serial = 21; serial <= 29; serial += 1) {
    if (serial === 23) continue;
    fact(serial, 'graduate', { type: 'GraduateStudent', ...at(junior, '2025-07-04') });
  }
  return facts;
});

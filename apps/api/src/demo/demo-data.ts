import type { LessonExchangeKind } from '@junheng/domain';

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

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
const GUANGMING_SCHOOLS = ['3144031101', '3144031102', '3144031103', '3144031104'];
const NANSHAN_SCHOOLS = ['3144030501', '3144030502', '3144030503', '3144030504'];
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

/** 示范课 / 公开课 / 互听课 / 讲座 / 集体备课 / 送教下乡 */
export const LESSON_EXCHANGE_KINDS = [
  'demonstration',
  'open',
  'mutual-observation',
  'lecture',
  'joint-preparation',
  'outreach',
] as const;

export type LessonExchangeKind = (typeof LESSON_EXCHANGE_KINDS)[number];

export function isLessonExchangeKind(value: string): value is LessonExchangeKind {
  return (LESSON_EXCHANGE_KINDS as readonly string[]).includes(value);
}

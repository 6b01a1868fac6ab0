export const DROPOUT_REASONS = [
  'poverty',
  'learning-difficulty',
  'work',
  'illness',
  'distance',
  'other',
] as const;
export type DropoutReason = (typeof DROPOUT_REASONS)[number];

/** 劝返 / 依法 / 自行返校 */
export const RETURN_MEANS = ['persuasion', 'legal-order', 'own-accord'] as const;
export type ReturnMeans = (typeof RETURN_MEANS)[number];

/** 三困生 / 动摇生: poverty, learning difficulty, wavering. */
export const RISK_REASONS = ['poverty', 'learning-difficulty', 'wavering'] as const;
export type RiskReason = (typeof RISK_REASONS)[number];

export const ENTRY_KINDS = ['new-entrant', 'transfer-in'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Grades 1-6 are primary, 7-9 junior secondary (the 6+3 system; 5+4 is configurable later). */
export function levelOfGrade(grade: number): 'primary' | 'junior' {
  return grade <= 6 ? 'primary' : 'junior';
}

export const FINAL_GRADES: Readonly<Record<'primary' | 'junior', number>> = {
  primary: 6,
  junior: 9,
};

/** A student is known to the domain only by the keyed pseudonym of the 学籍号. */
export const STUDENT_STREAM_TYPE = 'student';

export function studentStreamId(studentPseudonym: string): string {
  return `${STUDENT_STREAM_TYPE}-${studentPseudonym}`;
}

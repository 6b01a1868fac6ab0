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

/** A student is known to the domain only by the keyed pseudonym of the 学籍号. */
export const STUDENT_STREAM_TYPE = 'student';

export function studentStreamId(studentPseudonym: string): string {
  return `${STUDENT_STREAM_TYPE}-${studentPseudonym}`;
}

/** The pseudonym a student stream is named after (studentStreamId's inverse). */
export function studentOfStreamId(streamId: string): string {
  return streamId.slice(STUDENT_STREAM_TYPE.length + 1);
}

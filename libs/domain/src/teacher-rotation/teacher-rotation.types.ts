/** 交流轮岗 / 支教 / 挂职 */
export const ROTATION_KINDS = ['rotation', 'supported-teaching', 'secondment'] as const;

export type RotationKind = (typeof ROTATION_KINDS)[number];

export function isRotationKind(value: string): value is RotationKind {
  return (ROTATION_KINDS as readonly string[]).includes(value);
}

/** A teacher is known to the domain only by a pseudonym (HMAC of the ID number, made at the edge). */
export const TEACHER_STREAM_TYPE = 'teacher';

export function teacherStreamId(teacherPseudonym: string): string {
  return `${TEACHER_STREAM_TYPE}-${teacherPseudonym}`;
}

/** Who runs a programme: a province, a city or a district, by its administrative code. */
export const PROGRAMME_LEVELS = ['province', 'city', 'district'] as const;
export type ProgrammeLevel = (typeof PROGRAMME_LEVELS)[number];

/** What an allocation pays for (domain.md, Funds). */
export const ALLOCATION_PURPOSES = [
  'pairing-activity',
  'construction',
  'equipment',
  'student-aid',
  'teacher-subsidy',
] as const;
export type AllocationPurpose = (typeof ALLOCATION_PURPOSES)[number];

export const FUND_PROGRAMME_STREAM_TYPE = 'fund-programme';

export function fundProgrammeStreamId(programmeId: string): string {
  return `${FUND_PROGRAMME_STREAM_TYPE}-${programmeId}`;
}

/** The code a programme of this level is owned by must have this many digits. */
export const OWNER_CODE_LENGTH: Readonly<Record<ProgrammeLevel, number>> = {
  province: 2,
  city: 4,
  district: 6,
};

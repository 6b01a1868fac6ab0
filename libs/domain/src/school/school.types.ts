/** Statistical urban-rural codes (统计用城乡划分代码) and the group each belongs to. */
export const URBAN_RURAL_GROUPS = {
  '111': 'urban',
  '112': 'urban',
  '121': 'town',
  '122': 'town',
  '123': 'town',
  '210': 'rural',
  '220': 'rural',
} as const;

export type UrbanRuralCode = keyof typeof URBAN_RURAL_GROUPS;
export type UrbanRuralGroup = (typeof URBAN_RURAL_GROUPS)[UrbanRuralCode];

export function isUrbanRuralCode(value: string): value is UrbanRuralCode {
  return Object.prototype.hasOwnProperty.call(URBAN_RURAL_GROUPS, value);
}

/** 小学 / 初中 / 九年一贯制 */
export const SCHOOL_LEVELS = ['primary', 'junior', 'nine-year'] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];

export const SCHOOL_STREAM_TYPE = 'school';

export function schoolStreamId(schoolCode: string): string {
  return `${SCHOOL_STREAM_TYPE}-${schoolCode}`;
}

/** County-level administrative division code (区县): six digits, e.g. 440311 光明区. */
export const DISTRICT_CODE = /^[1-9]\d{5}$/;

/** National school identification code (学校标识码): ten digits. */
export const SCHOOL_CODE = /^\d{10}$/;

export function isDistrictCode(value: string): boolean {
  return DISTRICT_CODE.test(value) && !value.endsWith('00');
}

export function isSchoolCode(value: string): boolean {
  return SCHOOL_CODE.test(value);
}

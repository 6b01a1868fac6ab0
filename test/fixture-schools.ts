/**
 * The schools most tests report about: Nanshan (南山区, 440305) schools supporting Guangming
 * (光明区, 440311) schools in seed 004's "百校扶百校" pairing — once the demo's, now the tests'
 * own (the demo loads the synthetic province). School codes are illustrative, not real 学校标识码.
 */
export const GUANGMING_SCHOOLS = ['3144031101', '3144031102', '3144031103', '3144031104'];
export const NANSHAN_SCHOOLS = ['3144030501', '3144030502', '3144030503', '3144030504'];

/** Registered before a test reports about them: every fact is attributed through the hierarchy. */
export const TEST_SCHOOLS = [
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

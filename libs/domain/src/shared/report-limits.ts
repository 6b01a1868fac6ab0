/**
 * The largest counts and amounts one report may carry: far above any real school or programme
 * (the largest Chinese schools hold about 20,000 pupils), far below what the analytics columns
 * hold (UInt32 for counts, Int64 for fen), so a typo of a few digits is refused, never wrapped
 * or summed into an overflow.
 */
export const REPORT_LIMITS = {
  /** Pupils of one school at one level. */
  enrolment: 100_000,
  /** Teachers of one school, in any of the staffing counts. */
  teachers: 20_000,
  computers: 200_000,
  books: 50_000_000,
  classrooms: 20_000,
  /** Floor or sports area of one school, m² (10 km²). */
  areaM2: 10_000_000,
  /** Equipment value of one school, yuan (10 billion). */
  equipmentYuan: 10_000_000_000,
  /** One budget or allocation, fen (1 万亿元); sums of many stay inside Int64. */
  fen: 100_000_000_000_000,
  /** People at one lesson exchange. */
  attendees: 100_000,
} as const;

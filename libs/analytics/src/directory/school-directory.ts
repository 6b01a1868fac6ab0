import type { AnalyticsClient } from '../client/analytics-client';
import { asOfParameter } from '../indicators/indicator-parameters';

/** A school as the hierarchy knows it now (or as of a past recorded time). */
export interface DirectorySchool {
  readonly schoolCode: string;
  readonly name: string;
  readonly districtCode: string;
  readonly urbanRuralCode: string;
  readonly level: string;
  readonly weak: boolean;
}

/**
 * The open schools within a code prefix (or the one school asked for), each with its latest name, district, urban-rural code,
 * level and weak flag: every change sets only what it changes ('' or -1 leave a value alone),
 * so each is the last value set, in effective-date order. Merged and closed schools are left
 * out; their history is carried by the school that holds it (the indicators' attribution).
 */
export const SCHOOL_DIRECTORY_SQL = `
SELECT school_code,
       argMaxIf(name, (effective_on, global_position), name != '') AS name,
       argMaxIf(district_code, (effective_on, global_position), district_code != '') AS district_code,
       argMaxIf(urban_rural_code, (effective_on, global_position), urban_rural_code != '')
         AS urban_rural_code,
       argMaxIf(level, (effective_on, global_position), level != '') AS level,
       argMaxIf(weak, (effective_on, global_position), weak != -1) AS weak,
       max(closed) AS closed
FROM {db:Identifier}.school_changes FINAL
WHERE recorded_at <= {asOf:DateTime64(3, 'UTC')}
  AND ({school:String} = '' OR school_code = {school:String})
GROUP BY school_code
HAVING startsWith(district_code, {within:String}) AND closed = 0
ORDER BY district_code, school_code`;

export async function schoolDirectory(
  analytics: AnalyticsClient,
  options: { readonly within: string; readonly school?: string; readonly asOf?: string },
): Promise<DirectorySchool[]> {
  const rows = await analytics.query<{
    school_code: string;
    name: string;
    district_code: string;
    urban_rural_code: string;
    level: string;
    weak: number;
  }>(SCHOOL_DIRECTORY_SQL, {
    within: options.within,
    school: options.school ?? '',
    asOf: asOfParameter(options.asOf),
  });
  return rows.map((row) => ({
    schoolCode: row.school_code,
    name: row.name,
    districtCode: row.district_code,
    urbanRuralCode: row.urban_rural_code,
    level: row.level,
    weak: Number(row.weak) === 1,
  }));
}

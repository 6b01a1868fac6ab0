import { basicBalanceIndicator } from './balance/basic-balance.indicator';
import { highQualityBalanceIndicator } from './balance/high-quality-balance.indicator';
import { schoolMinimumsIndicator } from './balance/school-minimums.indicator';
import { cohortConsolidationIndicator } from './consolidation/cohort-consolidation.indicator';
import { inYearConsolidationIndicator } from './consolidation/in-year-consolidation.indicator';
import { registerIndicator } from './consolidation/register.indicator';
import { dropoutRateIndicator } from './dropout/dropout-rate.indicator';
import { outOfSchoolIndicator } from './dropout/out-of-school.indicator';
import { returnRateIndicator } from './dropout/return-rate.indicator';
import { budgetExecutionIndicator } from './funds/budget-execution.indicator';
import { fundsDistributionIndicator } from './funds/funds-distribution.indicator';
import type { IndicatorDefinition } from './indicator';
import { lessonExchangesIndicator } from './pairing/lesson-exchanges.indicator';
import { pairingActivityIndicator } from './pairing/pairing-activity.indicator';
import { rotationCoverageIndicator } from './rotation/rotation-coverage.indicator';
import { urbanRuralGapIndicator } from './urban-rural-gap/urban-rural-gap.indicator';

/** Every district indicator (domain.md, Indicators), by name. */
export const INDICATORS = {
  'cohort-consolidation': cohortConsolidationIndicator,
  'in-year-consolidation': inYearConsolidationIndicator,
  register: registerIndicator,
  'dropout-rate': dropoutRateIndicator,
  'out-of-school': outOfSchoolIndicator,
  'return-rate': returnRateIndicator,
  'urban-rural-gap': urbanRuralGapIndicator,
  'basic-balance': basicBalanceIndicator,
  'high-quality-balance': highQualityBalanceIndicator,
  'school-minimums': schoolMinimumsIndicator,
  'rotation-coverage': rotationCoverageIndicator,
  'pairing-activity': pairingActivityIndicator,
  'lesson-exchanges': lessonExchangesIndicator,
  'budget-execution': budgetExecutionIndicator,
  'funds-distribution': fundsDistributionIndicator,
} as const satisfies Record<string, IndicatorDefinition>;

export type IndicatorName = keyof typeof INDICATORS;
export const INDICATOR_NAMES = Object.keys(INDICATORS) as IndicatorName[];

import type { AreaGrain, Grain } from './indicator';
import type { IndicatorName } from './catalogue';
import type { Resource } from './balance/school-resources.sql';

type PerLevel<T> = { readonly primary: T; readonly junior: T };

/**
 * The thresholds each figure is judged by, with the documented defaults (domain.md; every one
 * is *configurable*: a province sets `JUNHENG_INDICATOR_THRESHOLDS` to a JSON object that
 * overrides any of these keys).
 */
export interface IndicatorThresholds {
  /** 巩固率 at least (2017 rules: 初中三年巩固率 ≥ 95%); null: not judged. */
  readonly cohortConsolidationMin: PerLevel<number | null>;
  /** 辍学率: primary flags above this (0: any dropout), junior from this up (< 2% required). */
  readonly dropoutPrimaryMax: number;
  readonly dropoutJuniorBelow: number;
  /** A school above this dropout rate is flagged whatever its level. */
  readonly dropoutSchoolMax: number;
  /** 基本均衡 composite CV at most. */
  readonly basicBalanceCompositeMax: PerLevel<number>;
  /** 优质均衡 each CV at most. */
  readonly highQualityCvMax: PerLevel<number>;
  /** 优质均衡 per-school minimums, and how many of the seven a school must meet. */
  readonly schoolMinimums: PerLevel<Readonly<Partial<Record<Resource, number>>>>;
  readonly schoolMinimumsRequired: number;
  /** Rural ÷ urban below this breaches (parity band 0.97-1.03, SDG 4.5.1). */
  readonly parityLow: number;
  readonly parityHigh: number;
  /** 交流轮岗: rotated ÷ eligible, and backbone ÷ rotated, at least (percent). */
  readonly rotationCoverageMin: number;
  readonly backboneShareMin: number;
}

export const DEFAULT_INDICATOR_THRESHOLDS: IndicatorThresholds = {
  cohortConsolidationMin: { primary: null, junior: 95 },
  dropoutPrimaryMax: 0,
  dropoutJuniorBelow: 2,
  dropoutSchoolMax: 4,
  basicBalanceCompositeMax: { primary: 0.65, junior: 0.55 },
  highQualityCvMax: { primary: 0.5, junior: 0.45 },
  schoolMinimums: {
    primary: {
      above_qualification_teachers: 4.2,
      backbone_teachers: 1,
      pe_arts_teachers: 0.9,
      floor_area: 4.5,
      sports_area: 7.5,
      equipment_value: 2000,
      multimedia_classrooms: 2.3,
    },
    junior: {
      above_qualification_teachers: 5.3,
      backbone_teachers: 1,
      pe_arts_teachers: 0.9,
      floor_area: 5.8,
      sports_area: 10.2,
      equipment_value: 2500,
      multimedia_classrooms: 2.4,
    },
  },
  schoolMinimumsRequired: 6,
  parityLow: 0.97,
  parityHigh: 1.03,
  rotationCoverageMin: 10,
  backboneShareMin: 20,
};

/** The thresholds from `JUNHENG_INDICATOR_THRESHOLDS` (a JSON object), over the defaults. */
export function indicatorThresholds(json: string | undefined): IndicatorThresholds {
  if (json === undefined || json.trim() === '') return DEFAULT_INDICATOR_THRESHOLDS;
  const overrides: unknown = JSON.parse(json);
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new TypeError('JUNHENG_INDICATOR_THRESHOLDS must be a JSON object');
  }
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULT_INDICATOR_THRESHOLDS)) {
      throw new TypeError(`JUNHENG_INDICATOR_THRESHOLDS: unknown threshold "${key}"`);
    }
  }
  return deepMerge(DEFAULT_INDICATOR_THRESHOLDS, overrides as Record<string, unknown>);
}

function deepMerge<T>(base: T, overrides: Record<string, unknown>): T {
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof current === 'object' &&
      current !== null
        ? deepMerge(current, value as Record<string, unknown>)
        : value;
  }
  return merged as T;
}

/** A figure row as the indicator SQL returns it. */
export type FigureRow = Readonly<Record<string, unknown>>;

/** Whether a figure breaches its thresholds, and the rules it breaches. */
export interface Judgement {
  readonly breaches: boolean;
  readonly rules: readonly string[];
}

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/**
 * Judges one figure row of `indicator` at `grain`. Indicators without a threshold (counts,
 * funds, pairing activity) never breach.
 */
export function judge(
  indicator: IndicatorName,
  row: FigureRow,
  grain: Grain,
  thresholds: IndicatorThresholds = DEFAULT_INDICATOR_THRESHOLDS,
): Judgement {
  const rules: string[] = [];
  const level = row.level === 'junior' ? 'junior' : 'primary';
  switch (indicator) {
    case 'cohort-consolidation': {
      const min = thresholds.cohortConsolidationMin[level];
      const rate = num(row.rate);
      if (min !== null && rate !== null && rate < min) rules.push(`consolidation-below-${min}`);
      break;
    }
    case 'dropout-rate': {
      const rate = num(row.rate);
      if (rate === null) break;
      if (level === 'primary' && rate > thresholds.dropoutPrimaryMax) rules.push('primary-dropout');
      if (level === 'junior' && rate >= thresholds.dropoutJuniorBelow)
        rules.push(`junior-dropout-not-below-${thresholds.dropoutJuniorBelow}`);
      if ((grain as AreaGrain) === 'school' && rate > thresholds.dropoutSchoolMax)
        rules.push(`school-dropout-above-${thresholds.dropoutSchoolMax}`);
      break;
    }
    case 'basic-balance': {
      const cv = num(row.cv);
      const max = thresholds.basicBalanceCompositeMax[level];
      if (row.indicator === 'composite' && cv !== null && cv > max)
        rules.push(`composite-cv-above-${max}`);
      break;
    }
    case 'high-quality-balance': {
      const cv = num(row.cv);
      const max = thresholds.highQualityCvMax[level];
      if (cv !== null && cv > max) rules.push(`cv-above-${max}`);
      break;
    }
    case 'school-minimums': {
      const met = minimumsMet(row, thresholds);
      if (met < thresholds.schoolMinimumsRequired)
        rules.push(
          `minimums-met-${met}-of-${Object.keys(thresholds.schoolMinimums[level]).length}`,
        );
      break;
    }
    case 'urban-rural-gap': {
      const ratio = num(row.ratio);
      if (ratio !== null && ratio < thresholds.parityLow)
        rules.push(`below-parity-${thresholds.parityLow}`);
      break;
    }
    case 'rotation-coverage': {
      const coverage = num(row.coverage);
      const backbone = num(row.backbone_share);
      if (coverage !== null && coverage < thresholds.rotationCoverageMin)
        rules.push(`coverage-below-${thresholds.rotationCoverageMin}`);
      if (backbone !== null && backbone < thresholds.backboneShareMin)
        rules.push(`backbone-share-below-${thresholds.backboneShareMin}`);
      break;
    }
    case 'in-year-consolidation':
    case 'register':
    case 'out-of-school':
    case 'return-rate':
    case 'pairing-activity':
    case 'budget-execution':
    case 'funds-distribution':
      break;
  }
  return { breaches: rules.length > 0, rules };
}

/** How many of the level's minimums a school-minimums row meets. */
export function minimumsMet(row: FigureRow, thresholds: IndicatorThresholds): number {
  const level = row.level === 'junior' ? 'junior' : 'primary';
  const values = (row.values ?? {}) as Readonly<Record<string, number>>;
  return Object.entries(thresholds.schoolMinimums[level]).filter(
    ([resource, minimum]) => (values[resource] ?? 0) >= (minimum ?? Infinity),
  ).length;
}

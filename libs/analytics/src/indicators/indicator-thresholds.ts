import type { FigureRow, Grain, IndicatorDefinition } from './indicator';
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

/** Whether a figure breaches its thresholds, and the rules it breaches. */
export interface Judgement {
  readonly breaches: boolean;
  readonly rules: readonly string[];
}

/** A number cell of a figure row, or null. */
export const numberCell = (value: unknown): number | null =>
  typeof value === 'number' ? value : null;

/** The level a figure row's thresholds are read for (rows without a level: primary's). */
export const levelOfRow = (row: FigureRow): 'primary' | 'junior' =>
  row.level === 'junior' ? 'junior' : 'primary';

/**
 * Judges one figure row of `indicator` at `grain` by the indicator's own verdict. Indicators
 * without one (counts, funds, pairing activity) never breach.
 */
export function judge(
  indicator: IndicatorDefinition,
  row: FigureRow,
  grain: Grain,
  thresholds: IndicatorThresholds = DEFAULT_INDICATOR_THRESHOLDS,
): Judgement {
  const rules = indicator.verdict?.(row, grain, thresholds) ?? [];
  return { breaches: rules.length > 0, rules };
}

/** How many of the level's minimums a school-minimums row meets. */
export function minimumsMet(row: FigureRow, thresholds: IndicatorThresholds): number {
  const level = levelOfRow(row);
  const values = (row.values ?? {}) as Readonly<Record<string, number>>;
  return Object.entries(thresholds.schoolMinimums[level]).filter(
    ([resource, minimum]) => (values[resource] ?? 0) >= (minimum ?? Infinity),
  ).length;
}

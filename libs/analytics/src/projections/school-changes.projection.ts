import type { RecordedEvent } from '@junheng/event-store';
import type { SchoolEvent } from '@junheng/domain';
import { loggedColumns, payloadOf } from './fact-row';
import type { Projection } from './projection';

type HierarchyEvent = Exclude<
  SchoolEvent,
  { type: 'SchoolConditionsReported' | 'SchoolStaffingReported' }
>;

export const HIERARCHY_TYPES = new Set<string>([
  'SchoolRegistered',
  'SchoolReclassified',
  'SchoolMovedDistrict',
  'SchoolMerged',
  'SchoolClosed',
]);

const UNCHANGED = {
  name: '',
  district_code: '',
  urban_rural_code: '',
  level: '',
  weak: -1,
  into_school_code: '',
  closed: 0,
};

/**
 * The effective-dated school hierarchy: one row per change, carrying only what the change
 * sets (the rest is "unchanged"). Queries fold the rows into periods (hierarchy.sql.ts).
 */
export const schoolChangesProjection: Projection = {
  table: 'school_changes',
  rows: (events: readonly RecordedEvent[]) =>
    events
      .filter((event) => HIERARCHY_TYPES.has(event.type))
      .map((event) => ({ ...loggedColumns(event), ...schoolChangeOf(event) })),
};

/** A `school_changes` row's change: what the event sets, "unchanged" for the rest. */
export interface SchoolChange {
  readonly school_code: string;
  readonly change: string;
  readonly effective_on: string;
  readonly name: string;
  readonly district_code: string;
  readonly urban_rural_code: string;
  readonly level: string;
  /** -1: unchanged. */
  readonly weak: number;
  readonly into_school_code: string;
  readonly closed: number;
}

export function schoolChangeOf(event: RecordedEvent): SchoolChange {
  const change = { type: event.type, data: payloadOf(event) } as HierarchyEvent;
  switch (change.type) {
    case 'SchoolRegistered':
      return {
        ...UNCHANGED,
        school_code: change.data.schoolCode,
        change: 'registered',
        effective_on: change.data.registeredOn,
        name: change.data.name,
        district_code: change.data.districtCode,
        urban_rural_code: change.data.urbanRuralCode,
        level: change.data.level,
        weak: change.data.weak ? 1 : 0,
      };
    case 'SchoolReclassified':
      return {
        ...UNCHANGED,
        school_code: change.data.schoolCode,
        change: 'reclassified',
        effective_on: change.data.effectiveOn,
        urban_rural_code: change.data.urbanRuralCode,
      };
    case 'SchoolMovedDistrict':
      return {
        ...UNCHANGED,
        school_code: change.data.schoolCode,
        change: 'moved',
        effective_on: change.data.effectiveOn,
        district_code: change.data.toDistrictCode,
      };
    case 'SchoolMerged':
      return {
        ...UNCHANGED,
        school_code: change.data.schoolCode,
        change: 'merged',
        effective_on: change.data.effectiveOn,
        into_school_code: change.data.intoSchoolCode,
        closed: 1,
      };
    case 'SchoolClosed':
      return {
        ...UNCHANGED,
        school_code: change.data.schoolCode,
        change: 'closed',
        effective_on: change.data.effectiveOn,
        closed: 1,
      };
  }
}

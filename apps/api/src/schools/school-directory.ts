import { Inject, Injectable } from '@nestjs/common';
import {
  attributeFact,
  evolveSchool,
  foldStream,
  initialSchoolState,
  schoolStreamId,
} from '@junheng/domain';
import type { SchoolLevel, SchoolState } from '@junheng/domain';
import { EVENT_STORE } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { assertSchoolInScope } from '@junheng/identity';
import type { Principal } from '@junheng/identity';
import { refusingWithinScope } from '../commands/refusal-redaction';

/** Every district that has held the school, from registration to now. */
export function districtsHolding(school: SchoolState): readonly string[] {
  if (school.status === 'unregistered') return [];
  return [...new Set(school.districts.map((change) => change.value))];
}

/**
 * The effective-dated school hierarchy, read from each school's own stream: which district
 * held a school on a date. Commands are checked and attributed against it.
 */
@Injectable()
export class SchoolDirectory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async state(schoolCode: string): Promise<SchoolState> {
    const events = await this.store.readStream(schoolStreamId(schoolCode));
    return foldStream(evolveSchool, initialSchoolState, events);
  }

  /** What the school teaches (primary, junior, nine-year); null for a school not registered. */
  async levelOf(schoolCode: string): Promise<SchoolLevel | null> {
    const school = await this.state(schoolCode);
    return school.status === 'unregistered' ? null : school.level;
  }

  /** The district a fact about the school on `date` belongs to (see attributeFact). */
  async attribute(schoolCode: string, date: string, reportedDistrictCode: string): Promise<string> {
    return attributeFact(await this.state(schoolCode), { schoolCode, date, reportedDistrictCode });
  }

  /**
   * `attribute`, for a school the caller reports as its own: the scope is checked first, against
   * the reported district, so a caller outside it is refused (403) without learning anything
   * about the school. Attribution then insists the reported district is the real one.
   */
  async attributeInScope(
    caller: Principal | null,
    schoolCode: string,
    date: string,
    reportedDistrictCode: string,
  ): Promise<string> {
    if (caller !== null) assertSchoolInScope(caller, reportedDistrictCode, schoolCode);
    const school = await this.state(schoolCode);
    // A school reported under the caller's district that really lies in another: the refusal
    // names the rule, not the district that holds it.
    return refusingWithinScope(
      caller,
      () => districtsHolding(school).map((districtCode) => ({ districtCode, schoolCode })),
      { schoolCode, date, reportedDistrictCode },
      () => attributeFact(school, { schoolCode, date, reportedDistrictCode }),
      () => attributeFact(initialSchoolState, { schoolCode, date, reportedDistrictCode }),
    );
  }
}

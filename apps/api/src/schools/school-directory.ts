import { Inject, Injectable } from '@nestjs/common';
import { attributeFact, evolveSchool, initialSchoolState, schoolStreamId } from '@junheng/domain';
import type { SchoolEvent, SchoolState } from '@junheng/domain';
import { EVENT_STORE } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';

/**
 * The effective-dated school hierarchy, read from each school's own stream: which district
 * held a school on a date. Commands are checked and attributed against it.
 */
@Injectable()
export class SchoolDirectory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async state(schoolCode: string): Promise<SchoolState> {
    const events = await this.store.readStream(schoolStreamId(schoolCode));
    return events.reduce(
      (state, event) =>
        evolveSchool(state, {
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
        } as unknown as SchoolEvent),
      initialSchoolState,
    );
  }

  /** The district a fact about the school on `date` belongs to (see attributeFact). */
  async attribute(schoolCode: string, date: string, reportedDistrictCode: string): Promise<string> {
    return attributeFact(await this.state(schoolCode), { schoolCode, date, reportedDistrictCode });
  }
}

import type { RecordedEvent } from '@junheng/event-store';
import { clickhouseDateTime } from './projection';
import type { Projection } from './projection';

interface LessonExchangedData {
  readonly districtCode: string;
  readonly hostSchoolCode: string;
  readonly visitingSchoolCode: string;
  readonly kind: string;
  readonly subject: string;
  readonly date: string;
  readonly attendees: number;
  /** Absent in schema version 1, which the messaging upcaster lifts to null. */
  readonly pairingId?: string | null;
}

/** One row per LessonExchanged, attributed to the month it was held in. */
export const lessonExchangesProjection: Projection = {
  table: 'lesson_exchanges',
  rows: (events: readonly RecordedEvent[]) =>
    events
      .filter((event) => event.type === 'LessonExchanged')
      .map((event) => {
        const data = event.data as unknown as LessonExchangedData;
        return {
          event_id: event.eventId,
          district_code: data.districtCode,
          month: `${data.date.slice(0, 7)}-01`,
          exchange_date: data.date,
          host_school_code: data.hostSchoolCode,
          visiting_school_code: data.visitingSchoolCode,
          kind: data.kind,
          subject: data.subject,
          attendees: data.attendees,
          pairing_id: data.pairingId ?? '',
          global_position: event.globalPosition,
          transaction_id: event.transactionId,
          recorded_at: clickhouseDateTime(event.recordedAt),
        };
      }),
};

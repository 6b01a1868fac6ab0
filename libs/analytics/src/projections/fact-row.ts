import type { RecordedEvent } from '@junheng/event-store';
import { clickhouseDateTime } from './projection';

/** The columns every indicator fact row carries (migration 0007). */
export function loggedColumns(event: RecordedEvent): {
  event_id: string;
  global_position: number;
  transaction_id: number;
  recorded_at: string;
} {
  return {
    event_id: event.eventId,
    global_position: event.globalPosition,
    transaction_id: event.transactionId,
    recorded_at: clickhouseDateTime(event.recordedAt),
  };
}

/** The event's payload, as the projection that filtered it by type knows it to be. */
export function payloadOf<Data>(event: RecordedEvent): Data {
  return event.data as unknown as Data;
}

import type { RecordedEvent } from '@junheng/event-store';
import { clickhouseDateTime } from './projection';
import type { Projection } from './projection';

/** Every event as recorded, for drill-down and for inspectors' SQL. */
export const rawEventsProjection: Projection = {
  table: 'events',
  rows: (events: readonly RecordedEvent[]) =>
    events.map((event) => ({
      event_id: event.eventId,
      type: event.type,
      schema_version: event.schemaVersion,
      stream_id: event.streamId,
      stream_type: event.streamType,
      stream_version: event.streamVersion,
      global_position: event.globalPosition,
      transaction_id: event.transactionId,
      occurred_at: clickhouseDateTime(event.occurredAt),
      recorded_at: clickhouseDateTime(event.recordedAt),
      district_code: event.districtCode ?? '',
      actor: event.actor ?? '',
      actor_role: event.actorRole ?? '',
      actor_scope: event.actorScope ?? '',
      command_id: event.commandId ?? '',
      correlation_id: event.correlationId ?? '',
      data: JSON.stringify(event.data),
    })),
};

import type { RecordedEvent } from '@junheng/event-store';
import type { PairingEvent } from '@junheng/domain';
import { loggedColumns, payloadOf } from './fact-row';
import type { Projection } from './projection';

/**
 * Pairings (结对帮扶) established and ended. An ending row carries only the pairing and the
 * day it ended (`end_date`); queries take the earlier of the planned and the actual end.
 */
export const pairingChangesProjection: Projection = {
  table: 'pairing_changes',
  rows: (events: readonly RecordedEvent[]) =>
    events.flatMap((event) => {
      const pairing = { type: event.type, data: payloadOf(event) } as PairingEvent;
      switch (pairing.type) {
        case 'PairingEstablished':
          return [
            {
              ...loggedColumns(event),
              type: 'established',
              pairing_id: pairing.data.pairingId,
              programme: pairing.data.programme,
              supporting_school_code: pairing.data.supportingSchoolCode,
              supporting_district_code: pairing.data.supportingDistrictCode,
              receiving_school_code: pairing.data.receivingSchoolCode,
              receiving_district_code: pairing.data.receivingDistrictCode,
              forms: [...pairing.data.forms],
              start_date: pairing.data.startDate,
              end_date: pairing.data.endDate,
            },
          ];
        case 'PairingEnded':
          return [
            {
              ...loggedColumns(event),
              type: 'ended',
              pairing_id: pairing.data.pairingId,
              programme: '',
              supporting_school_code: '',
              supporting_district_code: '',
              receiving_school_code: '',
              receiving_district_code: pairing.data.receivingDistrictCode,
              forms: [],
              start_date: pairing.data.endedOn,
              end_date: pairing.data.endedOn,
            },
          ];
        default:
          return [];
      }
    }),
};

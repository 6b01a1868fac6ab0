import { Inject, Injectable } from '@nestjs/common';
import { evolvePairing, initialPairingState, pairingStreamId } from '@junheng/domain';
import type { PairingEvent, PairingState } from '@junheng/domain';
import { EVENT_STORE } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';

/** A pairing's current state, for commands that must happen within one (lesson exchanges). */
@Injectable()
export class PairingDirectory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async state(pairingId: string): Promise<PairingState> {
    const events = await this.store.readStream(pairingStreamId(pairingId));
    return events.reduce(
      (state, event) =>
        evolvePairing(state, {
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
        } as unknown as PairingEvent),
      initialPairingState,
    );
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { evolvePairing, foldStream, initialPairingState, pairingStreamId } from '@junheng/domain';
import type { PairingState } from '@junheng/domain';
import { EVENT_STORE } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';

/** A pairing's current state, for commands that must happen within one (lesson exchanges). */
@Injectable()
export class PairingDirectory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async state(pairingId: string): Promise<PairingState> {
    const events = await this.store.readStream(pairingStreamId(pairingId));
    return foldStream(evolvePairing, initialPairingState, events);
  }
}

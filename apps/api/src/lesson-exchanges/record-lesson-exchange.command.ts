import type { RecordLessonExchange } from '@junheng/domain';
import { CommandMessage } from '../commands/command-message';

/** A lesson exchange as reported: its id is derived by the handler from the idempotency key. */
export type RecordLessonExchangeRequest = Omit<
  RecordLessonExchange,
  'type' | 'exchangeId' | 'pairingId'
> & {
  readonly pairingId?: string | null;
};

export class RecordLessonExchangeMessage extends CommandMessage<RecordLessonExchangeRequest> {}

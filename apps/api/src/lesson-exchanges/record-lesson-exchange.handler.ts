import { randomUUID } from 'node:crypto';
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import {
  LESSON_EXCHANGE_STREAM_TYPE,
  assertExchangeWithinPairing,
  lessonExchangeDecider,
  lessonExchangeStreamId,
} from '@junheng/domain';
import type { LessonExchangeEvent } from '@junheng/domain';
import { uuidV5 } from '@junheng/event-store';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { PairingDirectory } from '../pairings/pairing-directory';
import { SchoolDirectory } from '../schools/school-directory';
import type { CommandOutcome } from '../commands/aggregate-command.executor';
import { RecordLessonExchangeCommand } from './record-lesson-exchange.command';

// A retried request must land on the same stream, so the exchange id follows the key.
const EXCHANGE_ID_NAMESPACE = 'b1f6a9f0-3c1d-4e55-8f0e-7c2d9b4a6e11';

@CommandHandler(RecordLessonExchangeCommand)
export class RecordLessonExchangeHandler implements ICommandHandler<RecordLessonExchangeCommand> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly schools: SchoolDirectory,
    private readonly pairings: PairingDirectory,
  ) {}

  async execute({ payload, context }: RecordLessonExchangeCommand): Promise<CommandOutcome> {
    // The host school is the school the fact is about: the fact belongs to the district that
    // held it on the day, and only a caller whose scope holds that school may report it.
    await this.schools.attributeInScope(
      context.caller,
      payload.hostSchoolCode,
      payload.date,
      payload.districtCode,
    );
    const pairingId = payload.pairingId ?? null;
    if (pairingId !== null) {
      assertExchangeWithinPairing(await this.pairings.state(pairingId), { ...payload, pairingId });
    }
    const exchangeId =
      context.idempotencyKey === undefined
        ? randomUUID()
        : uuidV5(EXCHANGE_ID_NAMESPACE, context.idempotencyKey);
    return this.executor.execute({
      decider: lessonExchangeDecider,
      streamId: lessonExchangeStreamId(exchangeId),
      streamType: LESSON_EXCHANGE_STREAM_TYPE,
      command: { type: 'RecordLessonExchange', exchangeId, ...payload, pairingId },
      envelope: (event: LessonExchangeEvent) => ({
        occurredAt: `${event.data.date}T00:00:00.000Z`,
        districtCode: event.data.districtCode,
      }),
      context,
    });
  }
}

import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import {
  LESSON_EXCHANGE_STREAM_TYPE,
  assertExchangeWithinPairing,
  initialPairingState,
  lessonExchangeDecider,
  lessonExchangeStreamId,
} from '@junheng/domain';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { CommandKeys } from '../commands/command-keys';
import { refusingWithinScope } from '../commands/refusal-redaction';
import { PairingDirectory } from '../pairings/pairing-directory';
import { SchoolDirectory } from '../schools/school-directory';
import type { CommandOutcome } from '../commands/aggregate-command.executor';
import { RecordLessonExchangeMessage } from './record-lesson-exchange.command';

// A retried request must land on the same stream, so the exchange id follows the key.
const EXCHANGE_ID_NAMESPACE = 'b1f6a9f0-3c1d-4e55-8f0e-7c2d9b4a6e11';

@CommandHandler(RecordLessonExchangeMessage)
export class RecordLessonExchangeHandler implements ICommandHandler<RecordLessonExchangeMessage> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly schools: SchoolDirectory,
    private readonly pairings: PairingDirectory,
    private readonly keys: CommandKeys,
  ) {}

  async execute({
    command: request,
    context,
  }: RecordLessonExchangeMessage): Promise<CommandOutcome> {
    // The host school is the school the fact is about: the fact belongs to the district that
    // held it on the day, and only a caller whose scope holds that school may report it.
    await this.schools.attributeInScope(
      context.caller,
      request.hostSchoolCode,
      request.date,
      request.districtCode,
    );
    const pairingId = request.pairingId ?? null;
    if (pairingId !== null) {
      const pairing = await this.pairings.state(pairingId);
      // Another county's pairing: the refusal does not name its schools or dates.
      await refusingWithinScope(
        context.caller,
        () =>
          pairing.status === 'none'
            ? []
            : [
                {
                  districtCode: pairing.pairing.supportingDistrictCode,
                  schoolCode: pairing.pairing.supportingSchoolCode,
                },
                {
                  districtCode: pairing.pairing.receivingDistrictCode,
                  schoolCode: pairing.pairing.receivingSchoolCode,
                },
              ],
        request,
        () => assertExchangeWithinPairing(pairing, { ...request, pairingId }),
        () => assertExchangeWithinPairing(initialPairingState, { ...request, pairingId }),
      );
    }
    const exchangeId = this.keys.derivedId(EXCHANGE_ID_NAMESPACE, context);
    return this.executor.execute({
      decider: lessonExchangeDecider,
      streamId: lessonExchangeStreamId(exchangeId),
      streamType: LESSON_EXCHANGE_STREAM_TYPE,
      command: { type: 'RecordLessonExchange', exchangeId, ...request, pairingId },
      context,
    });
  }
}

import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { PAIRING_STREAM_TYPE, pairingDecider, pairingStreamId } from '@junheng/domain';
import type { PairingState } from '@junheng/domain';
import { assertDistrictInScope } from '@junheng/identity';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import type { CommandOutcome } from '../commands/aggregate-command.executor';
import { SchoolDirectory } from '../schools/school-directory';
import { PairingCommandMessage } from './pairing.command';

/**
 * A pairing joins two schools, often across districts: establishing one needs both schools in
 * the caller's scope (a city or province for cross-district pairings); ending one, the
 * receiving school's district.
 */
@CommandHandler(PairingCommandMessage)
export class PairingCommandHandler implements ICommandHandler<PairingCommandMessage> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly schools: SchoolDirectory,
  ) {}

  async execute({ command, context }: PairingCommandMessage): Promise<CommandOutcome> {
    let attributed = command;
    if (command.type === 'EstablishPairing') {
      const supportingDistrictCode = await this.schools.attributeInScope(
        context.caller,
        command.supportingSchoolCode,
        command.startDate,
        command.supportingDistrictCode,
      );
      const receivingDistrictCode = await this.schools.attributeInScope(
        context.caller,
        command.receivingSchoolCode,
        command.startDate,
        command.receivingDistrictCode,
      );
      attributed = { ...command, supportingDistrictCode, receivingDistrictCode };
    }
    return this.executor.execute({
      decider: pairingDecider,
      streamId: pairingStreamId(command.pairingId),
      streamType: PAIRING_STREAM_TYPE,
      command: attributed,
      heldBy: (state: PairingState) =>
        state.status === 'none'
          ? []
          : [
              {
                districtCode: state.pairing.supportingDistrictCode,
                schoolCode: state.pairing.supportingSchoolCode,
              },
              {
                districtCode: state.pairing.receivingDistrictCode,
                schoolCode: state.pairing.receivingSchoolCode,
              },
            ],
      authorize: (state: PairingState) => {
        if (command.type === 'EndPairing' && state.status !== 'none' && context.caller !== null) {
          assertDistrictInScope(context.caller, state.pairing.receivingDistrictCode);
        }
      },
      context,
    });
  }
}

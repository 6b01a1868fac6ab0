import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import {
  FUND_PROGRAMME_STREAM_TYPE,
  fundProgrammeDecider,
  fundProgrammeStreamId,
} from '@junheng/domain';
import type { FundProgrammeCommand, FundProgrammeState } from '@junheng/domain';
import { assertOrgUnitInScope } from '@junheng/identity';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { CommandKeys } from '../commands/command-keys';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { SchoolDirectory } from '../schools/school-directory';
import { FundProgrammeCommandMessage } from './fund-programme.command';
import type { FundProgrammeRequest } from './fund-programme.command';

const ALLOCATION_ID_NAMESPACE = 'c3a9f3b2-1d5e-4a7c-8e2f-6b1d9a4c7e35';

/**
 * Budgets, allocations and revocations of one programme share its stream, so the expected
 * version serialises them: allocations can never sum past the budget, however many arrive at once.
 * Who may act: a caller whose scope holds the programme's owner (province, city or district).
 */
@CommandHandler(FundProgrammeCommandMessage)
export class FundProgrammeHandler implements ICommandHandler<FundProgrammeCommandMessage> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly schools: SchoolDirectory,
    private readonly keys: CommandKeys,
  ) {}

  async execute({
    command: request,
    context,
  }: FundProgrammeCommandMessage): Promise<CommandOutcome> {
    const command = await this.toCommand(request, context);
    return this.executor.execute({
      decider: fundProgrammeDecider,
      streamId: fundProgrammeStreamId(command.programmeId),
      streamType: FUND_PROGRAMME_STREAM_TYPE,
      command,
      heldBy: (state: FundProgrammeState) =>
        state.status === 'budgeted' ? [{ orgCode: state.programme.ownerCode }] : [],
      authorize: (state: FundProgrammeState) => {
        const ownerCode =
          command.type === 'BudgetProgramme'
            ? command.ownerCode
            : state.status === 'budgeted'
              ? state.programme.ownerCode
              : null;
        if (context.caller !== null && ownerCode !== null)
          assertOrgUnitInScope(context.caller, ownerCode);
      },
      context,
    });
  }

  private async toCommand(
    request: FundProgrammeRequest,
    context: CommandContext,
  ): Promise<FundProgrammeCommand> {
    if (request.type !== 'AllocateFunds') return request;
    const allocationId =
      request.allocationId ?? this.keys.derivedId(ALLOCATION_ID_NAMESPACE, context);
    // A school recipient belongs to the district that held it on the allocation's date, and
    // lies in the caller's scope (it lies in the programme, which the caller must hold).
    const districtCode =
      request.schoolCode === null
        ? request.districtCode
        : await this.schools.attributeInScope(
            context.caller,
            request.schoolCode,
            request.allocatedOn,
            request.districtCode,
          );
    return { ...request, allocationId, districtCode };
  }
}

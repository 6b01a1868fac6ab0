import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { GraphqlCommandContextOf } from '../commands/command-context.decorator';
import { CommandOutcomeType } from '../commands/command-outcome.type';
import { FundProgrammeCommandMessage } from './fund-programme.command';
import { AllocateFundsDto, BudgetProgrammeDto, RevokeAllocationDto } from './funds.dto';

const key = { nullable: true, type: () => String } as const;

@Resolver()
export class FundsResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => CommandOutcomeType, { description: 'Budget a fund programme (专项经费), in fen' })
  @RequirePermission('facts:record')
  budgetProgramme(
    @Args('input') input: BudgetProgrammeDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new FundProgrammeCommandMessage({ type: 'BudgetProgramme', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, {
    description: 'Allocate funds of a programme to a school or district',
  })
  @RequirePermission('facts:record')
  allocateFunds(
    @Args('input') input: AllocateFundsDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new FundProgrammeCommandMessage(
        {
          type: 'AllocateFunds',
          ...input,
          allocationId: input.allocationId,
          schoolCode: input.schoolCode ?? null,
        },
        context,
      ),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'Revoke an allocation (a correction)' })
  @RequirePermission('facts:record')
  revokeAllocation(
    @Args('input') input: RevokeAllocationDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new FundProgrammeCommandMessage({ type: 'RevokeAllocation', ...input }, context),
    );
  }
}

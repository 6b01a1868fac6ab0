import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { GraphqlCommandContextOf } from '../commands/command-context.decorator';
import { CommandOutcomeType } from '../commands/command-outcome.type';
import { PairingCommandMessage } from './pairing.command';
import { EndPairingDto, EstablishPairingDto } from './pairing.dto';

const key = { nullable: true, type: () => String } as const;

@Resolver()
export class PairingsResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => CommandOutcomeType, {
    description: 'A supporting school pairs with a receiving one (结对帮扶)',
  })
  @RequirePermission('facts:record')
  establishPairing(
    @Args('input') input: EstablishPairingDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new PairingCommandMessage({ type: 'EstablishPairing', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'End an active pairing' })
  @RequirePermission('facts:record')
  endPairing(
    @Args('input') input: EndPairingDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new PairingCommandMessage({ type: 'EndPairing', ...input }, context),
    );
  }
}

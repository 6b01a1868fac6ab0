import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { GraphqlCommandContextOf } from '../commands/command-context.decorator';
import { CommandOutcomeType } from '../commands/command-outcome.type';
import { SchoolCommandMessage } from './school.command';
import {
  CloseSchoolDto,
  MergeSchoolDto,
  MoveSchoolToDistrictDto,
  ReclassifySchoolDto,
  RegisterSchoolDto,
  ReportSchoolConditionsDto,
  ReportSchoolStaffingDto,
} from './school.dto';

const key = { nullable: true, type: () => String } as const;

@Resolver()
export class SchoolsResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => CommandOutcomeType)
  @RequirePermission('facts:record')
  registerSchool(
    @Args('input') input: RegisterSchoolDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'RegisterSchool', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType)
  @RequirePermission('facts:record')
  reclassifySchool(
    @Args('input') input: ReclassifySchoolDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'ReclassifySchool', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType)
  @RequirePermission('facts:record')
  moveSchoolToDistrict(
    @Args('input') input: MoveSchoolToDistrictDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'MoveSchoolToDistrict', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType)
  @RequirePermission('facts:record')
  mergeSchool(
    @Args('input') input: MergeSchoolDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'MergeSchool', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType)
  @RequirePermission('facts:record')
  closeSchool(
    @Args('input') input: CloseSchoolDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'CloseSchool', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, {
    description: "A school year's conditions report (办学条件)",
  })
  @RequirePermission('facts:record')
  reportSchoolConditions(
    @Args('input') input: ReportSchoolConditionsDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'ReportSchoolConditions', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: "A school year's staffing report (师资)" })
  @RequirePermission('facts:record')
  reportSchoolStaffing(
    @Args('input') input: ReportSchoolStaffingDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'ReportSchoolStaffing', ...input }, context),
    );
  }
}

import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { GraphqlCommandContextOf } from '../commands/command-context.decorator';
import { CommandOutcomeType } from '../commands/command-outcome.type';
import {
  EndTeacherRotationMessage,
  StartTeacherRotationMessage,
} from './teacher-rotation.commands';
import { EndTeacherRotationDto, StartTeacherRotationDto } from './teacher-rotation.dto';

@Resolver()
export class TeacherRotationsResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => CommandOutcomeType, {
    description: 'A teacher starts working at another school (交流轮岗 / 支教 / 挂职)',
  })
  @RequirePermission('facts:record')
  startTeacherRotation(
    @Args('input') input: StartTeacherRotationDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', { nullable: true, type: () => String }) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(new StartTeacherRotationMessage(input, context));
  }

  @Mutation(() => CommandOutcomeType, { description: "End the teacher's active rotation" })
  @RequirePermission('facts:record')
  endTeacherRotation(
    @Args('input') input: EndTeacherRotationDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', { nullable: true, type: () => String }) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(new EndTeacherRotationMessage(input, context));
  }
}

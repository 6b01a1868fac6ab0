import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { GraphqlCommandContextOf } from '../commands/command-context.decorator';
import { CommandOutcomeType } from '../commands/command-outcome.type';
import { ClassGraduationOutcome, GraduateClassDto, GraduateClassMessage } from './class-graduation';
import { StudentCommandMessage } from './student.command';
import {
  ClearStudentRiskDto,
  DropOutStudentDto,
  EnrolStudentDto,
  FlagStudentAtRiskDto,
  GraduateStudentDto,
  RecordStudentDeathDto,
  RepeatGradeDto,
  ResumeStudentDto,
  ReturnStudentDto,
  SkipGradeDto,
  SuspendStudentDto,
  TransferStudentDto,
} from './student.dto';

const key = { nullable: true, type: () => String } as const;

@Resolver()
export class StudentsResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => CommandOutcomeType, {
    description: 'Enrol a student (new entrant or transfer in)',
  })
  @RequirePermission('facts:record')
  enrolStudent(
    @Args('input') input: EnrolStudentDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'EnrolStudent', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'Transfer a student to another school' })
  @RequirePermission('facts:record')
  transferStudent(
    @Args('input') input: TransferStudentDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'TransferStudent', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'Record that a student dropped out (辍学)' })
  @RequirePermission('facts:record')
  dropOutStudent(
    @Args('input') input: DropOutStudentDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'DropOutStudent', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'Record that a student came back (复学)' })
  @RequirePermission('facts:record')
  returnStudent(
    @Args('input') input: ReturnStudentDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'ReturnStudent', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'Suspend schooling (休学)' })
  @RequirePermission('facts:record')
  suspendStudent(
    @Args('input') input: SuspendStudentDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'SuspendStudent', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'Resume schooling after a suspension' })
  @RequirePermission('facts:record')
  resumeStudent(
    @Args('input') input: ResumeStudentDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'ResumeStudent', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'Graduate from the final grade of a level' })
  @RequirePermission('facts:record')
  graduateStudent(
    @Args('input') input: GraduateStudentDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'GraduateStudent', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: "Record a student's death" })
  @RequirePermission('facts:record')
  recordStudentDeath(
    @Args('input') input: RecordStudentDeathDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'RecordStudentDeath', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, {
    description: "Record that a student repeats last year's grade this school year (留级)",
  })
  @RequirePermission('facts:record')
  repeatGrade(
    @Args('input') input: RepeatGradeDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'RepeatGrade', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, {
    description: 'Record that a student skips into the next grade (跳级)',
  })
  @RequirePermission('facts:record')
  skipGrade(
    @Args('input') input: SkipGradeDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'SkipGrade', ...input }, context),
    );
  }

  @Mutation(() => ClassGraduationOutcome, {
    description:
      "Graduate a school's final grade (毕业): every student of it on the register that day, but those in except",
  })
  @RequirePermission('facts:record')
  graduateClass(
    @Args('input') input: GraduateClassDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<ClassGraduationOutcome> {
    return this.commandBus.execute(new GraduateClassMessage(input, context));
  }

  @Mutation(() => CommandOutcomeType, { description: 'Flag a student at risk (三困生 / 动摇生)' })
  @RequirePermission('facts:record')
  flagStudentAtRisk(
    @Args('input') input: FlagStudentAtRiskDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'FlagStudentAtRisk', ...input }, context),
    );
  }

  @Mutation(() => CommandOutcomeType, { description: 'Clear an at-risk flag' })
  @RequirePermission('facts:record')
  clearStudentRisk(
    @Args('input') input: ClearStudentRiskDto,
    @GraphqlCommandContextOf() context: CommandContext,
    @Args('idempotencyKey', key) _idempotencyKey?: string,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'ClearStudentRisk', ...input }, context),
    );
  }
}

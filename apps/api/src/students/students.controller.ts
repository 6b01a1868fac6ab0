import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { CommandContextOf } from '../commands/command-context.decorator';
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
import { ApiCommandAnswers } from '../openapi/api-answers';

/**
 * Student facts (学籍). The 学籍号 travels only in bodies, never in URLs, and is pseudonymised
 * at the edge before anything else sees it.
 */
@Controller('v1/students')
export class StudentsController {
  constructor(private readonly commandBus: CommandBus) {}

  /** Enrol a student (new entrant or transfer in). */
  @ApiCommandAnswers()
  @Post('enrolments')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  enrolStudent(
    @Body() body: EnrolStudentDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'EnrolStudent', ...body }, context),
    );
  }

  /** Transfer a student to another school. */
  @ApiCommandAnswers()
  @Post('transfers')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  transferStudent(
    @Body() body: TransferStudentDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'TransferStudent', ...body }, context),
    );
  }

  /** Record that a student dropped out (辍学). */
  @ApiCommandAnswers()
  @Post('dropouts')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  dropOutStudent(
    @Body() body: DropOutStudentDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'DropOutStudent', ...body }, context),
    );
  }

  /** Record that a student came back (复学). */
  @ApiCommandAnswers()
  @Post('returns')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  returnStudent(
    @Body() body: ReturnStudentDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'ReturnStudent', ...body }, context),
    );
  }

  /** Suspend schooling (休学). */
  @ApiCommandAnswers()
  @Post('suspensions')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  suspendStudent(
    @Body() body: SuspendStudentDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'SuspendStudent', ...body }, context),
    );
  }

  /** Resume schooling after a suspension. */
  @ApiCommandAnswers()
  @Post('resumptions')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  resumeStudent(
    @Body() body: ResumeStudentDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'ResumeStudent', ...body }, context),
    );
  }

  /** Record that a student repeats last year's grade this school year (留级). */
  @ApiCommandAnswers()
  @Post('repeats')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  repeatGrade(
    @Body() body: RepeatGradeDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'RepeatGrade', ...body }, context),
    );
  }

  /** Record that a student skips into the next grade (跳级). */
  @ApiCommandAnswers()
  @Post('skips')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  skipGrade(
    @Body() body: SkipGradeDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'SkipGrade', ...body }, context),
    );
  }

  /** Graduate from the final grade of a level. */
  @ApiCommandAnswers()
  @Post('graduations')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  graduateStudent(
    @Body() body: GraduateStudentDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'GraduateStudent', ...body }, context),
    );
  }

  /**
   * Graduate a school's final grade (毕业) in one command: every student on its register in the
   * level's final grade that day, but those named in `except`.
   */
  @ApiCommandAnswers(ClassGraduationOutcome)
  @Post('class-graduations')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  graduateClass(
    @Body() body: GraduateClassDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<ClassGraduationOutcome> {
    return this.commandBus.execute(new GraduateClassMessage(body, context));
  }

  /** Record a student's death. */
  @ApiCommandAnswers()
  @Post('deaths')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  recordStudentDeath(
    @Body() body: RecordStudentDeathDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'RecordStudentDeath', ...body }, context),
    );
  }

  /** Flag a student at risk (三困生 / 动摇生). */
  @ApiCommandAnswers()
  @Post('risk-flags')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  flagStudentAtRisk(
    @Body() body: FlagStudentAtRiskDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'FlagStudentAtRisk', ...body }, context),
    );
  }

  /** Clear an at-risk flag. */
  @ApiCommandAnswers()
  @Post('risk-clearances')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  clearStudentRisk(
    @Body() body: ClearStudentRiskDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new StudentCommandMessage({ type: 'ClearStudentRisk', ...body }, context),
    );
  }
}

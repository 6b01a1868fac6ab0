import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { CommandContextOf } from '../commands/command-context.decorator';
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
import { ApiCommandAnswers } from '../openapi/api-answers';

/** Schools and the effective-dated hierarchy (school codes are not personal data). */
@Controller('v1/schools')
export class SchoolsController {
  constructor(private readonly commandBus: CommandBus) {}

  @ApiCommandAnswers()
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  register(
    @Body() body: RegisterSchoolDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'RegisterSchool', ...body }, context),
    );
  }

  @ApiCommandAnswers()
  @Post('reclassifications')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  reclassify(
    @Body() body: ReclassifySchoolDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'ReclassifySchool', ...body }, context),
    );
  }

  @ApiCommandAnswers()
  @Post('district-moves')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  move(
    @Body() body: MoveSchoolToDistrictDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'MoveSchoolToDistrict', ...body }, context),
    );
  }

  @ApiCommandAnswers()
  @Post('merges')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  merge(
    @Body() body: MergeSchoolDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'MergeSchool', ...body }, context),
    );
  }

  @ApiCommandAnswers()
  @Post('closures')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  close(
    @Body() body: CloseSchoolDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'CloseSchool', ...body }, context),
    );
  }

  @ApiCommandAnswers()
  @Post('conditions-reports')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  reportConditions(
    @Body() body: ReportSchoolConditionsDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'ReportSchoolConditions', ...body }, context),
    );
  }

  @ApiCommandAnswers()
  @Post('staffing-reports')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  reportStaffing(
    @Body() body: ReportSchoolStaffingDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new SchoolCommandMessage({ type: 'ReportSchoolStaffing', ...body }, context),
    );
  }
}

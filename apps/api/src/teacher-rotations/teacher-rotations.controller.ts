import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { CommandContextOf } from '../commands/command-context.decorator';
import {
  EndTeacherRotationMessage,
  StartTeacherRotationMessage,
} from './teacher-rotation.commands';
import { EndTeacherRotationDto, StartTeacherRotationDto } from './teacher-rotation.dto';
import { ApiCommandAnswers } from '../openapi/api-answers';

@Controller('v1/teacher-rotations')
export class TeacherRotationsController {
  constructor(private readonly commandBus: CommandBus) {}

  @ApiCommandAnswers()
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  start(
    @Body() body: StartTeacherRotationDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(new StartTeacherRotationMessage(body, context));
  }

  @ApiCommandAnswers()
  @Post('end')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  end(
    @Body() body: EndTeacherRotationDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(new EndTeacherRotationMessage(body, context));
  }
}

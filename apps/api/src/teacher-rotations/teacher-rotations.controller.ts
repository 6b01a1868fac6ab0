import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { CommandContextOf } from '../commands/command-context.decorator';
import {
  EndTeacherRotationCommand,
  StartTeacherRotationCommand,
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
  async start(
    @Body() body: StartTeacherRotationDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommandOutcome> {
    return replayHeader(
      response,
      await this.commandBus.execute(new StartTeacherRotationCommand(body, context)),
    );
  }

  @ApiCommandAnswers()
  @Post('end')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  async end(
    @Body() body: EndTeacherRotationDto,
    @CommandContextOf() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CommandOutcome> {
    return replayHeader(
      response,
      await this.commandBus.execute(new EndTeacherRotationCommand(body, context)),
    );
  }
}

function replayHeader(response: Response, outcome: CommandOutcome): CommandOutcome {
  if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return outcome;
}

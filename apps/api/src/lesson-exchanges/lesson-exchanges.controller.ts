import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { CommandContextOf } from '../commands/command-context.decorator';
import { RecordLessonExchangeMessage } from './record-lesson-exchange.command';
import { RecordLessonExchangeDto } from './record-lesson-exchange.dto';
import { ApiCommandAnswers } from '../openapi/api-answers';

@Controller('v1/lesson-exchanges')
export class LessonExchangesController {
  constructor(private readonly commandBus: CommandBus) {}

  @ApiCommandAnswers()
  @Post()
  @RequirePermission('facts:record')
  @HttpCode(HttpStatus.CREATED)
  record(
    @Body() body: RecordLessonExchangeDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(new RecordLessonExchangeMessage(body, context));
  }
}

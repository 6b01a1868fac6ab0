import { Module } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { LessonExchangesController } from './lesson-exchanges.controller';
import { LessonExchangesResolver } from './lesson-exchanges.resolver';
import { RecordLessonExchangeHandler } from './record-lesson-exchange.handler';

@Module({
  controllers: [LessonExchangesController],
  providers: [AggregateCommandExecutor, RecordLessonExchangeHandler, LessonExchangesResolver],
})
export class LessonExchangesModule {}

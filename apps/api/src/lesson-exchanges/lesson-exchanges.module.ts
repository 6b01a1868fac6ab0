import { Module } from '@nestjs/common';
import { LessonExchangesController } from './lesson-exchanges.controller';
import { LessonExchangesResolver } from './lesson-exchanges.resolver';
import { RecordLessonExchangeHandler } from './record-lesson-exchange.handler';

@Module({
  controllers: [LessonExchangesController],
  providers: [RecordLessonExchangeHandler, LessonExchangesResolver],
})
export class LessonExchangesModule {}

import { Module } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { StudentCommandHandler } from './student-command.handler';
import { StudentsController } from './students.controller';
import { StudentsResolver } from './students.resolver';

@Module({
  controllers: [StudentsController],
  providers: [AggregateCommandExecutor, StudentCommandHandler, StudentsResolver],
})
export class StudentsModule {}

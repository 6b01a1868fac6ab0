import { Module } from '@nestjs/common';
import { StudentCommandHandler } from './student-command.handler';
import { StudentsController } from './students.controller';
import { StudentsResolver } from './students.resolver';

@Module({
  controllers: [StudentsController],
  providers: [StudentCommandHandler, StudentsResolver],
})
export class StudentsModule {}

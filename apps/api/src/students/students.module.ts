import { Module } from '@nestjs/common';
import { SchoolSystem } from '@junheng/domain';
import { JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { GraduateClassHandler } from './class-graduation';
import { StudentCommandHandler } from './student-command.handler';
import { StudentsController } from './students.controller';
import { StudentsResolver } from './students.resolver';

@Module({
  controllers: [StudentsController],
  providers: [
    StudentCommandHandler,
    GraduateClassHandler,
    StudentsResolver,
    {
      provide: SchoolSystem,
      useFactory: (config: JunhengConfig) => SchoolSystem.parse(config.schoolSystem),
      inject: [JUNHENG_CONFIG],
    },
  ],
  exports: [SchoolSystem],
})
export class StudentsModule {}

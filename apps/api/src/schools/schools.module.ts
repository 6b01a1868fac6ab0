import { Global, Module } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { SchoolCommandHandler } from './school-command.handler';
import { SchoolDirectory } from './school-directory';
import { SchoolsController } from './schools.controller';
import { SchoolsResolver } from './schools.resolver';

@Global()
@Module({
  controllers: [SchoolsController],
  providers: [AggregateCommandExecutor, SchoolCommandHandler, SchoolsResolver, SchoolDirectory],
  exports: [SchoolDirectory],
})
export class SchoolsModule {}

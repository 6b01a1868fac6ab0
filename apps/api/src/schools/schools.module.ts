import { Global, Module } from '@nestjs/common';
import { SchoolCommandHandler } from './school-command.handler';
import { SchoolDirectory } from './school-directory';
import { SchoolsController } from './schools.controller';
import { SchoolsResolver } from './schools.resolver';

@Global()
@Module({
  controllers: [SchoolsController],
  providers: [SchoolCommandHandler, SchoolsResolver, SchoolDirectory],
  exports: [SchoolDirectory],
})
export class SchoolsModule {}

import { Global, Module } from '@nestjs/common';
import { AggregateCommandExecutor } from './aggregate-command.executor';
import { CommandKeys } from './command-keys';

/** The one load → decide → append executor every command handler shares, and its keys. */
@Global()
@Module({
  providers: [AggregateCommandExecutor, CommandKeys],
  exports: [AggregateCommandExecutor, CommandKeys],
})
export class CommandsModule {}

import { Global, Module } from '@nestjs/common';
import { AggregateCommandExecutor } from './aggregate-command.executor';

/** The one load → decide → append executor every command handler shares. */
@Global()
@Module({ providers: [AggregateCommandExecutor], exports: [AggregateCommandExecutor] })
export class CommandsModule {}

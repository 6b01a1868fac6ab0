import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AggregateCommandExecutor } from './aggregate-command.executor';
import { CommandKeys } from './command-keys';
import { ReplayedHeaderInterceptor } from './replayed-header.interceptor';

/** The one load → decide → append executor every command handler shares, and its keys. */
@Global()
@Module({
  providers: [
    AggregateCommandExecutor,
    CommandKeys,
    { provide: APP_INTERCEPTOR, useClass: ReplayedHeaderInterceptor },
  ],
  exports: [AggregateCommandExecutor, CommandKeys],
})
export class CommandsModule {}

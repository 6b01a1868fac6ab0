import { Global, Module } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { PairingCommandHandler } from './pairing-command.handler';
import { PairingDirectory } from './pairing-directory';
import { PairingsController } from './pairings.controller';
import { PairingsResolver } from './pairings.resolver';

@Global()
@Module({
  controllers: [PairingsController],
  providers: [AggregateCommandExecutor, PairingCommandHandler, PairingsResolver, PairingDirectory],
  exports: [PairingDirectory],
})
export class PairingsModule {}

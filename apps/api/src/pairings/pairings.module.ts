import { Global, Module } from '@nestjs/common';
import { PairingCommandHandler } from './pairing-command.handler';
import { PairingDirectory } from './pairing-directory';
import { PairingsController } from './pairings.controller';
import { PairingsResolver } from './pairings.resolver';

@Global()
@Module({
  controllers: [PairingsController],
  providers: [PairingCommandHandler, PairingsResolver, PairingDirectory],
  exports: [PairingDirectory],
})
export class PairingsModule {}

import { Module } from '@nestjs/common';
import { FundProgrammeHandler } from './fund-programme.handler';
import { FundsController } from './funds.controller';
import { FundsResolver } from './funds.resolver';

@Module({
  controllers: [FundsController],
  providers: [FundProgrammeHandler, FundsResolver],
})
export class FundsModule {}

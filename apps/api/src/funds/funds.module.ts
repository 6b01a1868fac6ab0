import { Module } from '@nestjs/common';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { FundProgrammeHandler } from './fund-programme.handler';
import { FundsController } from './funds.controller';
import { FundsResolver } from './funds.resolver';

@Module({
  controllers: [FundsController],
  providers: [AggregateCommandExecutor, FundProgrammeHandler, FundsResolver],
})
export class FundsModule {}

import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { CommandContextOf } from '../commands/command-context.decorator';
import { FundProgrammeCommandMessage } from './fund-programme.command';
import { AllocateFundsDto, BudgetProgrammeDto, RevokeAllocationDto } from './funds.dto';
import { ApiCommandAnswers } from '../openapi/api-answers';

@Controller('v1/fund-programmes')
export class FundsController {
  constructor(private readonly commandBus: CommandBus) {}

  @ApiCommandAnswers()
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  budget(
    @Body() body: BudgetProgrammeDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new FundProgrammeCommandMessage({ type: 'BudgetProgramme', ...body }, context),
    );
  }

  @ApiCommandAnswers()
  @Post('allocations')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  allocate(
    @Body() body: AllocateFundsDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new FundProgrammeCommandMessage(
        {
          type: 'AllocateFunds',
          ...body,
          allocationId: body.allocationId,
          schoolCode: body.schoolCode ?? null,
        },
        context,
      ),
    );
  }

  @ApiCommandAnswers()
  @Post('revocations')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  revoke(
    @Body() body: RevokeAllocationDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new FundProgrammeCommandMessage({ type: 'RevokeAllocation', ...body }, context),
    );
  }
}

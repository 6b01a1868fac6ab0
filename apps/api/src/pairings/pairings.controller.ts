import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RequirePermission } from '@junheng/identity';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { CommandContextOf } from '../commands/command-context.decorator';
import { PairingCommandMessage } from './pairing.command';
import { EndPairingDto, EstablishPairingDto } from './pairing.dto';
import { ApiCommandAnswers } from '../openapi/api-answers';

@Controller('v1/pairings')
export class PairingsController {
  constructor(private readonly commandBus: CommandBus) {}

  @ApiCommandAnswers()
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  establish(
    @Body() body: EstablishPairingDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new PairingCommandMessage({ type: 'EstablishPairing', ...body }, context),
    );
  }

  @ApiCommandAnswers()
  @Post('endings')
  @HttpCode(HttpStatus.CREATED)
  @RequirePermission('facts:record')
  end(
    @Body() body: EndPairingDto,
    @CommandContextOf() context: CommandContext,
  ): Promise<CommandOutcome> {
    return this.commandBus.execute(
      new PairingCommandMessage({ type: 'EndPairing', ...body }, context),
    );
  }
}

import { Module } from '@nestjs/common';
import { IndicatorsController } from './indicators.controller';
import { IndicatorsResolver } from './indicators.resolver';
import { IndicatorsService } from './indicators.service';

@Module({ controllers: [IndicatorsController], providers: [IndicatorsService, IndicatorsResolver] })
export class IndicatorsModule {}

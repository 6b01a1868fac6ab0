import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { loadConfig } from './junheng-config';
import type { JunhengConfig } from './junheng-config';

export const JUNHENG_CONFIG = Symbol('JUNHENG_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: JunhengConfig = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: JUNHENG_CONFIG, useValue: config }],
      exports: [JUNHENG_CONFIG],
    };
  }
}

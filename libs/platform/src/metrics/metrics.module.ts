import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { METRICS_REGISTRY, createMetricsRegistry } from './metrics.registry';

/** GET /metrics and the registry behind it, with Node's process metrics already on it. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: METRICS_REGISTRY, useFactory: createMetricsRegistry }],
  exports: [METRICS_REGISTRY],
})
export class MetricsModule {}

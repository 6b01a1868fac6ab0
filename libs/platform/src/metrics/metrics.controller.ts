import { Controller, Get, Inject, StreamableFile } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { Anonymous } from '../http/route-access';
import { METRICS_REGISTRY } from './metrics.registry';

/**
 * Anonymous by design, like health: Prometheus scrapes without credentials. The exposition
 * holds counts, timings and log positions, never facts or callers.
 */
@Anonymous()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  // Raw bytes rather than a string: Express would rewrite a string's content type
  // (reordering its parameters), and the answer should carry exactly the registry's.
  @Get()
  async scrape(): Promise<StreamableFile> {
    const exposition = Buffer.from(await this.registry.metrics(), 'utf8');
    return new StreamableFile(exposition, {
      type: this.registry.contentType,
      length: exposition.length,
    });
  }
}

import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Anonymous } from '../http/route-access';
import { HealthRegistry } from './health.registry';

/** Anonymous by design: orchestrators probe these without credentials. */
@Anonymous()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  @HttpCode(HttpStatus.OK)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    const readiness = await this.registry.readiness();
    response.status(readiness.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: readiness.ready ? 'ready' : 'not-ready',
      dependencies: readiness.dependencies,
    };
  }
}

import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { MessageTransport } from '@orderline/shared/messaging';
import { checkDatabase, MESSAGE_TRANSPORT } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { Public } from './auth.guard';
import { HealthView } from './gateway.views';
import { Operation } from './api-operation';

/** `GET /api/v1/health`: the gateway's own database and bus, and every service's readiness. */
@ApiTags('operations')
@Controller('health')
export class GatewayHealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    private readonly services: ServiceClient,
  ) {}

  @Operation('getHealth', 'Check the platform\'s readiness')
  @Public()
  @Get()
  // The status is chosen here (200 ready, 503 not), so the body is written to the response.
  @ApiResponse({ status: 200, description: 'every part is up', type: HealthView })
  @ApiResponse({ status: 503, description: 'a part is down (see checks)', type: HealthView })
  async health(@Res() response: Response): Promise<void> {
    const names = this.services.services();
    const [database, bus, ...downstream] = await Promise.all([checkDatabase(this.dataSource), this.transport.isHealthy(), ...names.map((name) => this.services.health(name))]);
    const checks: Record<string, string> = { database: database ? 'up' : 'down', eventBus: bus ? 'up' : 'down' };
    names.forEach((name, index) => (checks[`${name}-service`] = downstream[index] ? 'up' : 'down'));
    const ready = Object.values(checks).every((state) => state === 'up');
    const view: HealthView = { status: ready ? 'ok' : 'unavailable', service: 'gateway', checks };
    response.status(ready ? 200 : 503).json(view);
  }
}

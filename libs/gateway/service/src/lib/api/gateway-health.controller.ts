import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { MessageTransport } from '@orderline/shared/messaging';
import { checkDatabase, MESSAGE_TRANSPORT } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { Public } from './auth.guard';

/** `GET /api/v1/health`: the gateway's own database and bus, and every service's readiness. */
@ApiTags('operations')
@Controller('health')
export class GatewayHealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    private readonly services: ServiceClient,
  ) {}

  @Public()
  @Get()
  async health(@Res() response: Response): Promise<void> {
    const names = this.services.services();
    const [database, bus, ...downstream] = await Promise.all([checkDatabase(this.dataSource), this.transport.isHealthy(), ...names.map((name) => this.services.health(name))]);
    const checks: Record<string, string> = { database: database ? 'up' : 'down', eventBus: bus ? 'up' : 'down' };
    names.forEach((name, index) => (checks[`${name}-service`] = downstream[index] ? 'up' : 'down'));
    const ready = Object.values(checks).every((state) => state === 'up');
    response.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', service: 'gateway', checks });
  }
}

import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { MessageTransport } from '@orderline/shared/messaging';
import { MESSAGE_TRANSPORT, MessagingLifecycle, readiness } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { Public } from './auth.guard';
import { HealthView, LivenessView } from './gateway.views';
import { Operation } from './api-operation';

/**
 * The gateway's health (docs/observability.md "Health"). Readiness depends on what the gateway
 * itself needs (its database, the bus, its consumer); the services are reported, not required:
 * with one of them down the other routes still work and the client gets that service's 503.
 */
@ApiTags('operations')
@Controller('health')
export class GatewayHealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingLifecycle,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    private readonly services: ServiceClient,
  ) {}

  @Operation('getHealth', 'Check the gateway\'s readiness (same as /health/ready)')
  @Public()
  @Get()
  // The status is chosen here (200 ready, 503 not), so the body is written to the response.
  @ApiResponse({ status: 200, description: 'the gateway is ready; `downstream` says which services answer', type: HealthView })
  @ApiResponse({ status: 503, description: 'the gateway\'s own database, bus or consumer is down (see checks)', type: HealthView })
  async health(@Res() response: Response): Promise<void> {
    await this.ready(response);
  }

  @Operation('getReadiness', 'Check the gateway\'s readiness')
  @Public()
  @Get('ready')
  @ApiResponse({ status: 200, description: 'the gateway is ready; `downstream` says which services answer', type: HealthView })
  @ApiResponse({ status: 503, description: 'the gateway\'s own database, bus or consumer is down (see checks)', type: HealthView })
  async ready(@Res() response: Response): Promise<void> {
    const names = this.services.services();
    const [own, ...answers] = await Promise.all([readiness(this.dataSource, this.transport, this.messaging), ...names.map((name) => this.services.health(name))]);
    const downstream: Record<string, string> = {};
    names.forEach((name, index) => (downstream[`${name}-service`] = answers[index] ? 'up' : 'down'));
    const view: HealthView = { status: own.ready ? 'ok' : 'unavailable', service: 'gateway', checks: own.checks, downstream };
    response.status(own.ready ? 200 : 503).json(view);
  }

  @Operation('getLiveness', 'Check that the gateway process answers')
  @Public()
  @Get('live')
  @ApiResponse({ status: 200, description: 'the process answers (no dependency is checked)', type: LivenessView })
  live(): LivenessView {
    return { status: 'ok' };
  }
}

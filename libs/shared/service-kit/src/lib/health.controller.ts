import { Controller, forwardRef, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { MessageTransport } from '@orderline/shared/messaging';
import { MessagingLifecycle } from './service-runtime.module';
import { MESSAGE_TRANSPORT, SERVICE_NAME } from './tokens';

export async function checkDatabase(dataSource: DataSource): Promise<boolean> {
  try {
    if (!dataSource.isInitialized) return false;
    await dataSource.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

export interface Readiness {
  ready: boolean;
  checks: { database: 'up' | 'down'; eventBus: 'up' | 'down'; consumer: 'up' | 'down' };
}

/**
 * What a process needs before it may take traffic: its own database answers, the bus answers,
 * and its event consumer has joined its group. Nothing another service owns (docs/observability.md "Health").
 */
export async function readiness(dataSource: DataSource, transport: MessageTransport, messaging: MessagingLifecycle): Promise<Readiness> {
  const [database, bus] = await Promise.all([checkDatabase(dataSource), transport.isHealthy()]);
  const consumer = messaging.consumerJoined();
  const up = (value: boolean) => (value ? 'up' : 'down') as 'up' | 'down';
  return { ready: database && bus && consumer, checks: { database: up(database), eventBus: up(bus), consumer: up(consumer) } };
}

/**
 * `/health/live`: the process answers (no dependency, so a restart is never ordered because
 * PostgreSQL or Kafka is down). `/health/ready`: 200 when `readiness` holds, else 503;
 * `/health` is the same readiness, kept for existing probes and the compose file.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    // forwardRef: service-runtime.module.ts imports this file too.
    @Inject(forwardRef(() => MessagingLifecycle)) private readonly messaging: MessagingLifecycle,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get(['', 'ready'])
  async readiness(@Res() response: Response): Promise<void> {
    const { ready, checks } = await readiness(this.dataSource, this.transport, this.messaging);
    response.status(ready ? 200 : 503).json({
      status: ready ? 'ok' : 'unavailable',
      service: this.service,
      checks: { ...checks, eventBus: `${checks.eventBus} (${this.transport.kind})` },
    });
  }

  @Get('live')
  liveness(): { status: string } {
    return { status: 'ok' };
  }
}

import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { MessageTransport } from '@orderline/shared/messaging';
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

/** Readiness: 200 when the service's database and the event bus answer, else 503. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get()
  async readiness(@Res() response: Response): Promise<void> {
    const [database, bus] = await Promise.all([checkDatabase(this.dataSource), this.transport.isHealthy()]);
    const ready = database && bus;
    response.status(ready ? 200 : 503).json({
      status: ready ? 'ok' : 'unavailable',
      service: this.service,
      checks: { database: database ? 'up' : 'down', eventBus: `${bus ? 'up' : 'down'} (${this.transport.kind})` },
    });
  }

  @Get('live')
  liveness(): { status: string } {
    return { status: 'ok' };
  }
}

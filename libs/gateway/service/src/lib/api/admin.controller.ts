import { Body, Controller, Get, HttpCode, Inject, NotFoundException, OnApplicationBootstrap, OnApplicationShutdown, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { applyClockChange, ClockChangeRequest, PLATFORM_CLOCK, SERVICE_CONFIG, SystemClock } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { ServiceClient } from '../infra/service-client';
import { Roles } from './auth.guard';

/**
 * The test clock (architecture.md "test clock"): exists only with TEST_CLOCK=1. A change is
 * applied here and its offset sent to every service, so each service's time rules follow it;
 * the offset is pushed again every few seconds so a restarted service catches up.
 */
@ApiTags('test clock')
@ApiBearerAuth()
@Controller('admin/clock')
export class AdminClockController implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: SystemClock,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    private readonly services: ServiceClient,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.TEST_CLOCK !== '1') return;
    this.timer = setInterval(() => void this.pushOffset().catch(() => undefined), 3_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async pushOffset(): Promise<Record<string, string>> {
    const offsetMs = this.clock.offset;
    const answers = await Promise.all(
      this.services.services().map(async (name) => [name, (await this.services.call<{ now: string }>(name, 'PUT', '/admin/clock/offset', null, { offsetMs })).now] as const),
    );
    return Object.fromEntries(answers);
  }

  private assertEnabled(): void {
    if (this.config.TEST_CLOCK !== '1') throw new NotFoundException('Cannot find this route');
  }

  @Roles('OPERATOR')
  @Get()
  async read() {
    this.assertEnabled();
    const services = await Promise.all(this.services.services().map(async (name) => [name, (await this.services.call<{ now: string }>(name, 'GET', '/admin/clock', null)).now] as const));
    return { now: this.clock.now().toISOString(), offsetMs: this.clock.offset, services: Object.fromEntries(services) };
  }

  @Roles('OPERATOR')
  @Post()
  @HttpCode(200)
  async change(@Body() change: ClockChangeRequest) {
    this.assertEnabled();
    const { now, offsetMs } = applyClockChange(this.clock, change);
    return { now, offsetMs, services: await this.pushOffset() };
  }
}

import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { applyClockChange, ClockChangeRequest, PLATFORM_CLOCK, SERVICE_CONFIG, SystemClock } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { ServiceClient } from '../infra/service-client';
import { Roles } from './auth.guard';

/**
 * The test clock (architecture.md "test clock"): exists only with TEST_CLOCK=1. A change is
 * applied here and sent to every service, so each service's time rules follow it.
 */
@ApiTags('test clock')
@ApiBearerAuth()
@Controller('admin/clock')
export class AdminClockController {
  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: SystemClock,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    private readonly services: ServiceClient,
  ) {}

  private assertEnabled(): void {
    if (this.config.TEST_CLOCK !== '1') throw new NotFoundException('Cannot find this route');
  }

  @Roles('OPERATOR')
  @Get()
  async read() {
    this.assertEnabled();
    const services = await Promise.all(this.services.services().map(async (name) => [name, (await this.services.call<{ now: string }>(name, 'GET', '/admin/clock', null)).now] as const));
    return { now: this.clock.now().toISOString(), services: Object.fromEntries(services) };
  }

  @Roles('OPERATOR')
  @Post()
  @HttpCode(200)
  async change(@Body() change: ClockChangeRequest) {
    this.assertEnabled();
    const { now } = applyClockChange(this.clock, change);
    // Every service jumps to the gateway's instant, so all clocks agree after the call.
    const services = await Promise.all(this.services.services().map(async (name) => [name, (await this.services.call<{ now: string }>(name, 'POST', '/admin/clock', null, { now })).now] as const));
    return { now, services: Object.fromEntries(services) };
  }
}

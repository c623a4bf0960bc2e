import { Body, Controller, Get, HttpCode, Inject, NotFoundException, OnApplicationBootstrap, OnApplicationShutdown, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { DeadLetters, DeadLetterView, OutboxRelay } from '@orderline/shared/messaging';
import { DataSource } from 'typeorm';
import { applyClockChange, ClockChangeRequest, DeadLetterFilterRequest, DeadLettersView, OutboxParkingView, persistTestClock, PLATFORM_CLOCK, Principal, SERVICE_CONFIG, SystemClock } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { ServiceClient } from '../infra/service-client';
import { Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { DeadLetterRowView, OutboxRedriveView, PlatformClockView, ServiceDeadLettersView, ServiceOutboxParkingView } from './gateway.views';
import { Answers, Operation } from './api-operation';

/**
 * The test clock (architecture.md "test clock"): exists only with TEST_CLOCK=1. A change is
 * applied here and its offset sent to every service, so each service's time rules follow it;
 * the offset is pushed again every few seconds. Every process keeps the offset in its database
 * and resumes from it after a restart (restoreTestClock).
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
    private readonly dataSource: DataSource,
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

  @Operation('getPlatformClock', 'Read the platform clock (test clock)')
  @Roles('OPERATOR')
  @Get()
  @Answers(200, PlatformClockView, "the platform clock and every service's")
  async read(): Promise<PlatformClockView> {
    this.assertEnabled();
    const services = await Promise.all(this.services.services().map(async (name) => [name, (await this.services.call<{ now: string }>(name, 'GET', '/admin/clock', null)).now] as const));
    return { now: this.clock.now().toISOString(), offsetMs: this.clock.offset, services: Object.fromEntries(services) };
  }

  @Operation('changePlatformClock', 'Move the platform clock (test clock)')
  @Roles('OPERATOR')
  @Post()
  @HttpCode(200)
  @Answers(200, PlatformClockView, "the platform clock and every service's")
  async change(@Body() change: ClockChangeRequest): Promise<PlatformClockView> {
    this.assertEnabled();
    const { now, offsetMs } = applyClockChange(this.clock, change);
    // Kept before it is pushed: a gateway restarted later resumes from here (restoreTestClock).
    await persistTestClock(this.dataSource, this.clock);
    return { now, offsetMs, services: await this.pushOffset() };
  }
}

/**
 * Operators see and re-drive parked outbox rows (issue 13 item 4) of every service and of the
 * gateway itself: a row the bus refused OUTBOX_MAX_ATTEMPTS times is parked so the rest of the
 * service's events still leave; re-driving publishes it (and the rows of its key it held back)
 * again, in order.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin/outbox')
export class AdminOutboxController {
  constructor(
    private readonly services: ServiceClient,
    private readonly relay: OutboxRelay,
  ) {}

  /** Parked rows and the publishable backlog, per service. */
  @Operation('listParkedOutboxRows', 'List parked outbox rows per service')
  @Roles('OPERATOR')
  @Get('parked')
  @ApiExtraModels(ServiceOutboxParkingView)
  @ApiResponse({ status: 200, description: 'per service (and the gateway): parked rows and the publishable backlog', schema: { type: 'object', additionalProperties: { $ref: getSchemaPath(ServiceOutboxParkingView) } } })
  async parked(@Caller() caller: Principal): Promise<Record<string, ServiceOutboxParkingView>> {
    const answers = await Promise.all(this.services.services().map(async (name) => [name, await this.services.call<OutboxParkingView>(name, 'GET', '/admin/outbox/parked', caller)] as const));
    return { gateway: { parked: await this.relay.parked(), backlog: await this.relay.backlog() }, ...Object.fromEntries(answers) };
  }

  /** Re-drives every parked row of every service; answers how many each service had parked. */
  @Operation('redriveParkedOutboxRows', 'Re-drive every parked outbox row')
  @Roles('OPERATOR')
  @Post('parked/redrive')
  @HttpCode(200)
  @Answers(200, OutboxRedriveView, 'rows re-driven per service')
  async redrive(@Caller() caller: Principal): Promise<OutboxRedriveView> {
    const answers = await Promise.all(this.services.services().map(async (name) => [name, (await this.services.call<{ redriven: number }>(name, 'POST', '/admin/outbox/parked/redrive', caller, {})).redriven] as const));
    return { redriven: { gateway: await this.relay.redriveParked(), ...Object.fromEntries(answers) } };
  }
}

/**
 * Operators see and re-drive dead-lettered events (issue 13 item 4) of every service and of the
 * gateway: each service lists what its own consumer group sent to `<topic>.dlq`; a re-drive puts
 * the original event back on its original topic through that service's outbox (inboxes that
 * applied it drop it), and marks it so it is not re-driven twice. Optional filter: event id,
 * original topic. docs/refund-loop-and-catch-up.md.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin/dead-letters')
export class AdminDeadLettersController {
  constructor(
    private readonly services: ServiceClient,
    private readonly deadLetters: DeadLetters,
  ) {}

  @Operation('listDeadLetters', 'List dead-lettered events per service')
  @Roles('OPERATOR')
  @Get()
  @ApiExtraModels(ServiceDeadLettersView)
  @ApiResponse({ status: 200, description: "per service (and the gateway): its consumer group and what it dead-lettered", schema: { type: 'object', additionalProperties: { $ref: getSchemaPath(ServiceDeadLettersView) } } })
  async list(@Query() filter: DeadLetterFilterRequest, @Caller() caller: Principal): Promise<Record<string, DeadLettersView>> {
    const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => typeof value === 'string')).toString();
    const answers = await Promise.all(this.services.services().map(async (name) => [name, await this.services.call<DeadLettersView>(name, 'GET', `/admin/dead-letters${query ? `?${query}` : ''}`, caller)] as const));
    return { gateway: { consumerGroup: this.deadLetters.groupId, deadLetters: await this.deadLetters.list(filter) }, ...Object.fromEntries(answers) };
  }

  /** Re-drives the waiting dead letters that match, in every service; answers what each re-drove. */
  @Operation('redriveDeadLetters', 'Re-drive dead-lettered events')
  @Roles('OPERATOR')
  @Post('redrive')
  @HttpCode(200)
  @ApiExtraModels(DeadLetterRowView)
  @ApiResponse({
    status: 200,
    description: 'the dead letters each service (and the gateway) re-drove',
    schema: { type: 'object', required: ['redriven'], properties: { redriven: { type: 'object', additionalProperties: { type: 'array', items: { $ref: getSchemaPath(DeadLetterRowView) } } } } },
  })
  async redrive(@Body() filter: DeadLetterFilterRequest, @Caller() caller: Principal): Promise<{ redriven: Record<string, DeadLetterView[]> }> {
    const answers = await Promise.all(this.services.services().map(async (name) => [name, (await this.services.call<{ redriven: DeadLetterView[] }>(name, 'POST', '/admin/dead-letters/redrive', caller, filter)).redriven] as const));
    return { redriven: { gateway: await this.deadLetters.redrive(filter), ...Object.fromEntries(answers) } };
  }
}

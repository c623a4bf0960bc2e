import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingLogger, PeriodicTask, runIsolated } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG, SERVICE_NAME } from '@orderline/shared/service-kit';
import { AfterSalesConfig } from '../after-sales-config';
import { AfterSalesRequests, REVIEW_DEADLINE_JOB } from './after-sales-requests';
import { Refunds } from './refunds';

/**
 * Time rules of after-sales on the platform clock: a review deadline passed → approved; an
 * online refund not yet settled (provider down, or the service died between grant and
 * settlement) → settled. Deadlines and pending settlements are stored rows, so a restart
 * loses nothing; SKIP LOCKED lets several instances share the work.
 */
@Injectable()
export class AfterSalesTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: MessagingLogger;
  private readonly loop: PeriodicTask;

  constructor(
    private readonly requests: AfterSalesRequests,
    private readonly refunds: Refunds,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AfterSalesConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    @Inject(SERVICE_NAME) serviceName: string,
  ) {
    this.logger = logger.component('after-sales-timers');
    this.loop = new PeriodicTask('after-sales timers', config.AFTER_SALES_TIMER_INTERVAL_MS, () => this.tick(), this.logger, serviceName);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(): Promise<void> {
    // One request per transaction: a request that fails is recorded and the others are still approved.
    await runIsolated({ job: REVIEW_DEADLINE_JOB, dataSource: this.dataSource, now: () => this.clock.now(), logger: this.logger }, (claimed) => this.requests.approveNextDue(claimed));
    await this.refunds.kick();
  }
}

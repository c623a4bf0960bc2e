import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingLogger, PeriodicTask, runIsolated } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG, SERVICE_NAME } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from '../order-service-config';
import { NEGOTIATED_AUTO_CANCEL_JOB, SHIPPING_DEADLINE_JOB, TIMED_PAUSE_RELEASE_JOB, UNPAID_EXPIRY_JOB } from '../infra/order-timer.store';
import { MerchantOperations } from './merchant-operations';
import { NegotiatedCancellations } from './negotiated-cancellations';
import { MerchantOrderList } from './merchant-order-list';
import { OrderPayments } from './order-payments';
import { ShippingDeadlines } from './shipping-deadlines';

/** Subjects one job works through per tick; the next tick goes on with the rest. */
const SUBJECTS_PER_TICK = 100;

/** One timer job: its `timer_failure` name and the call that handles its next due subject. */
export interface OrderTimerJob {
  job: string;
  next: (claimed: (subjectId: string) => void) => Promise<boolean>;
}

/**
 * Time rules of orders on the platform clock (so the test clock drives them): unpaid online
 * orders expire, negotiated cancellations nobody objected to within 48 h cancel the order, timed
 * pauses release themselves, shipping warnings and time-outs are raised, the list's status counts
 * are folded. Stored deadlines (created_at), not in-memory timers, so restarts lose nothing;
 * SKIP LOCKED lets several instances share the work.
 *
 * Failure isolation (issue 12 item 6): every job works one order or request per transaction
 * through `runIsolated`; a subject that fails is recorded in `timer_failure` with a backoff and the
 * job goes on with the others. A job that fails as a whole (its claim query, the database) is
 * logged and the tick still runs the jobs after it.
 */
@Injectable()
export class OrderTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: MessagingLogger;
  private readonly loop: PeriodicTask;

  constructor(
    private readonly payments: OrderPayments,
    private readonly cancellations: NegotiatedCancellations,
    private readonly operations: MerchantOperations,
    private readonly deadlines: ShippingDeadlines,
    private readonly list: MerchantOrderList,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: OrderServiceConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    @Inject(SERVICE_NAME) serviceName: string,
  ) {
    this.logger = logger.component('order-timers');
    this.loop = new PeriodicTask('order timers', config.ORDER_TIMER_INTERVAL_MS, () => this.tick(), this.logger, serviceName);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** The per-subject jobs, in the order a tick runs them. */
  jobs(): OrderTimerJob[] {
    const placedBefore = () => new Date(this.clock.now().getTime() - this.config.UNPAID_ORDER_TTL_SECONDS * 1000);
    return [
      { job: UNPAID_EXPIRY_JOB, next: (claimed) => this.payments.expireNextUnpaid(placedBefore(), claimed) },
      { job: NEGOTIATED_AUTO_CANCEL_JOB, next: (claimed) => this.cancellations.autoCancelNextDue(claimed) },
      { job: TIMED_PAUSE_RELEASE_JOB, next: (claimed) => this.operations.releaseNextDuePause(claimed) },
      { job: SHIPPING_DEADLINE_JOB, next: (claimed) => this.deadlines.raiseNextDue(claimed) },
    ];
  }

  /** One pass over every job; never throws (each job's failure is logged on its own). */
  async tick(): Promise<void> {
    await this.guarded('order-status-counts', () => this.list.foldStatusCounts());
    for (const { job, next } of this.jobs()) {
      await this.guarded(job, () => runIsolated({ job, dataSource: this.dataSource, now: () => this.clock.now(), logger: this.logger, limit: SUBJECTS_PER_TICK }, next));
    }
  }

  private async guarded(job: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.logger.error('order timer job failed; the other jobs go on', { job, error: String((error as Error)?.message ?? error) });
    }
  }
}

import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MessagingLogger } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from '../order-service-config';
import { MerchantOperations } from './merchant-operations';
import { NegotiatedCancellations } from './negotiated-cancellations';
import { MerchantOrderList } from './merchant-order-list';
import { OrderPayments } from './order-payments';
import { ShippingDeadlines } from './shipping-deadlines';

/**
 * Time rules of orders on the platform clock (so the test clock drives them): unpaid online
 * orders expire, negotiated cancellations nobody objected to within 48 h cancel the order, timed pauses release themselves, shipping warnings and time-outs are raised, the list's status counts are folded. Stored deadlines (created_at), not in-memory timers, so restarts lose nothing;
 * SKIP LOCKED lets several instances share the work.
 */
@Injectable()
export class OrderTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly logger: MessagingLogger;

  constructor(
    private readonly payments: OrderPayments,
    private readonly cancellations: NegotiatedCancellations,
    private readonly operations: MerchantOperations,
    private readonly deadlines: ShippingDeadlines,
    private readonly list: MerchantOrderList,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: OrderServiceConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('order-timers');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error) => this.logger.error('order timers failed', { error: String(error) }))
        .finally(() => (this.running = undefined));
    }, this.config.ORDER_TIMER_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    await this.list.foldStatusCounts();
    const cutoff = new Date(this.clock.now().getTime() - this.config.UNPAID_ORDER_TTL_SECONDS * 1000);
    while ((await this.payments.expireUnpaid(cutoff)) > 0);
    while ((await this.cancellations.autoCancelDue()) > 0);
    while ((await this.operations.releaseDuePauses()) > 0);
    while ((await this.deadlines.raiseDue()) > 0);
  }
}

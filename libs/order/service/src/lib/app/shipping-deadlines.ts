import { Inject, Injectable } from '@nestjs/common';
import { ShippingTimedOut, ShippingWarningRaised } from '@orderline/shared/contracts';
import { TimerFailures, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from '../order-service-config';
import { Compensations } from './compensations';
import { claimNextShippingDeadline, markShippingTimedOut, markShippingWarned, SHIPPING_DEADLINE_JOB } from '../infra/order-timer.store';

/**
 * Shipping warnings (发货预警) and time-outs (发货超时) per order (domain.md §1.8), raised once
 * each on the platform clock and published for the export center. The list computes the same
 * state on the fly (`shippingDeadlineState`); this monitor turns its edges into events.
 * A late-shipping report does not move the deadline: it travels with the event so the export
 * shows the order was reported in advance (Decision).
 */
@Injectable()
export class ShippingDeadlines {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: OrderServiceConfig,
    private readonly compensations: Compensations,
  ) {}

  /**
   * Raises what is due for one order, in its own transaction; false when no order is due. Every
   * claimed order leaves warned, timed out or both, so it is not claimed again for the same edge.
   */
  async raiseNextDue(claimed: (orderId: string) => void): Promise<boolean> {
    const now = this.clock.now();
    const warnFrom = new Date(now.getTime() + this.config.SHIPPING_WARNING_WINDOW_SECONDS * 1000);
    return this.unitOfWork.run(async (scope) => {
      const order = await claimNextShippingDeadline(scope.manager, warnFrom, now);
      if (!order) return false;
      claimed(order.id);
      const payload = {
        orderId: order.id,
        merchantId: order.merchant_id,
        promisedShipBy: order.promised_ship_by.toISOString(),
        ...(order.reported_ship_by ? { reportedShipBy: order.reported_ship_by.toISOString() } : {}),
      };
      if (!order.shipping_warned_at) {
        await markShippingWarned(scope.manager, order.id, now);
        await scope.publish(ShippingWarningRaised, payload);
      }
      if (order.promised_ship_by.getTime() < now.getTime()) {
        await markShippingTimedOut(scope.manager, order.id, now);
        await scope.publish(ShippingTimedOut, payload);
        // The owner of the time-out owns its compensation (延迟发货赔付), in the same transaction;
        // a delay reported in advance (延迟发货报备) is covered: no compensation (docs/compensation.md).
        if (!order.reported_ship_by) await this.compensations.grantLateShipping(scope, order.id);
      }
      await TimerFailures.clear(scope.manager, SHIPPING_DEADLINE_JOB, order.id);
      return true;
    });
  }
}

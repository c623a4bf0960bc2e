import { Inject, Injectable } from '@nestjs/common';
import { ShippingTimedOut, ShippingWarningRaised } from '@orderline/shared/contracts';
import { UnitOfWork } from '@orderline/shared/messaging';
import { Clock, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from '../order-service-config';

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
  ) {}

  async raiseDue(batch = 200): Promise<number> {
    const now = this.clock.now();
    const warnFrom = new Date(now.getTime() + this.config.SHIPPING_WARNING_WINDOW_SECONDS * 1000);
    return this.unitOfWork.run(async (scope) => {
      // WARNING covers [deadline − window, deadline]; TIMED_OUT starts strictly after the deadline.
      const due: Array<{ id: string; merchant_id: string; promised_ship_by: Date; shipping_warned_at: Date | null; reported_ship_by: Date | null }> = await scope.manager.query(
        `SELECT o.id, o.merchant_id, o.promised_ship_by, o.shipping_warned_at, r.new_ship_by AS reported_ship_by
         FROM customer_order o LEFT JOIN late_shipping_report r ON r.order_id = o.id
         WHERE o.status IN ('WAITING_OUTBOUND', 'PAUSED') AND o.shipping_timed_out_at IS NULL AND o.promised_ship_by <= $1
           AND (o.shipping_warned_at IS NULL OR o.promised_ship_by < $2)
         ORDER BY o.promised_ship_by LIMIT $3 FOR UPDATE OF o SKIP LOCKED`,
        [warnFrom, now, batch],
      );
      for (const order of due) {
        const payload = {
          orderId: order.id,
          merchantId: order.merchant_id,
          promisedShipBy: order.promised_ship_by.toISOString(),
          ...(order.reported_ship_by ? { reportedShipBy: order.reported_ship_by.toISOString() } : {}),
        };
        if (!order.shipping_warned_at) {
          await scope.manager.query(`UPDATE customer_order SET shipping_warned_at = $2 WHERE id = $1`, [order.id, now]);
          await scope.publish(ShippingWarningRaised, payload);
        }
        if (order.promised_ship_by.getTime() < now.getTime()) {
          await scope.manager.query(`UPDATE customer_order SET shipping_timed_out_at = $2 WHERE id = $1`, [order.id, now]);
          await scope.publish(ShippingTimedOut, payload);
        }
      }
      return due.length;
    });
  }
}

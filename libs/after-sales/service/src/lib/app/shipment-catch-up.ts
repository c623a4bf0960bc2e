import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { awaitCaughtUp, Principal, readFromOwner, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { AfterSalesConfig } from '../after-sales-config';
import { findOrder } from '../infra/order-copy.repository';

const SHIPPED_STATUSES = ['SHIPPED', 'DELIVERED', 'COMPLETED'];

/**
 * Read-your-writes (issue 13 item 3): the buyer applies, or reads what is refundable, right after
 * placing an order or right after the merchant shipped it. After-sales takes its events in a
 * batch window (after-sales-service.module.ts), so its copy may not yet hold an order placed a
 * moment ago; when it has none, the order service (the owner of orders) is asked whether the
 * caller's order exists and, if it does, the copy is waited for. After-sales learns of a shipment
 * two events later (ShipmentDispatched → order service → OrderShipped); when its copy has not, it
 * asks logistics (the owner of shipments) and, if the order shipped, waits for the copy too —
 * instead of answering 404 / 409 (503 + Retry-After past ORDER_FACTS_CATCH_UP_MS).
 */
@Injectable()
export class ShipmentCatchUp {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: AfterSalesConfig,
  ) {}

  async ensureShippedCopy(orderId: string, caller: Principal): Promise<void> {
    let copy = await this.copyOf(orderId);
    if (!copy && this.config.ORDER_SERVICE_URL) {
      // Not found by its owner (another buyer's, or none): no wait, the command answers 404 itself.
      const owned = await readFromOwner<{ id?: string }>(this.config.ORDER_SERVICE_URL, `/orders/${orderId}`, caller, this.config);
      const arrived = async (ids: string[]) => {
        copy = await this.copyOf(orderId);
        return copy ? [] : ids;
      };
      if (owned?.id === orderId) await awaitCaughtUp([orderId], arrived, this.config.ORDER_FACTS_CATCH_UP_MS);
    }
    if (!this.config.LOGISTICS_SERVICE_URL || !awaitsShipment(copy)) return;
    const tracking = await readFromOwner<{ shipped?: boolean }>(this.config.LOGISTICS_SERVICE_URL, `/orders/${orderId}/tracking`, caller, this.config);
    if (tracking?.shipped !== true) return;
    await awaitCaughtUp([orderId], async (ids) => (awaitsShipment(await this.copyOf(orderId)) ? ids : []), this.config.ORDER_FACTS_CATCH_UP_MS);
  }

  private copyOf(orderId: string) {
    return findOrder(this.dataSource.manager, orderId);
  }
}

/** A copy that is missing or not yet shipped (a cancelled order never ships: not lagging). */
function awaitsShipment(copy: { status: string } | null | undefined): boolean {
  return !copy || (!SHIPPED_STATUSES.includes(copy.status) && copy.status !== 'CANCELLED');
}

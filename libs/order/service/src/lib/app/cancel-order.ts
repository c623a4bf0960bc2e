import { Inject, Injectable } from '@nestjs/common';
import { BuyerCancelReason } from '@orderline/order/contract';
import { OrderCancelled } from '@orderline/shared/contracts';
import { UnitOfWork } from '@orderline/shared/messaging';
import { Clock, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { lockOrder, transitionOrder } from './order-transitions';
import { assertFactOwner } from './fact-owner-check';

/**
 * The buyer cancels before shipment (domain.md §1.3); after shipment the process table
 * refuses with ORDER_ALREADY_SHIPPED. `OrderCancelled` makes credit-billing release the hold.
 */
@Injectable()
export class CancelOrder {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  async execute(orderId: string, reason: BuyerCancelReason, buyer: Principal): Promise<void> {
    assertFactOwner('CANCEL', buyer);
    await this.unitOfWork.run(async (scope) => {
      const order = await lockOrder(scope, orderId);
      // Someone else's order answers exactly like a missing one.
      if (!order || order.buyerId !== buyer.buyerId) throw new NotFoundError(`order ${orderId}`);
      const previousStatus = order.status;
      order.cancelReason = reason;
      order.cancelledBy = 'BUYER';
      await transitionOrder(scope, order, 'CANCEL', `buyer:${buyer.buyerId}`, reason, this.clock.now());
      await scope.publish(OrderCancelled, { orderId, buyerId: order.buyerId, paymentMethod: order.paymentMethod, reason, cancelledBy: 'BUYER', previousStatus });
    });
  }
}

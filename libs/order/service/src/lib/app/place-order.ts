import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { paymentTermsProblem, priceOrder } from '@orderline/order/domain';
import { PlaceOrderRequest } from '@orderline/order/contract';
import { OrderPlaced, sealPersonalData } from '@orderline/shared/contracts';
import { UnitOfWork } from '@orderline/shared/messaging';
import { BaseServiceConfig, Clock, DomainError, personalDataSecret, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderLineRecord, OrderRecord, OrderStatusChangeRecord } from '../infra/order.entity';
import { lockOrder, pauseUntilGroupForms } from './order-transitions';

/** The special kinds the rules look at (domain.md §1.1), in the domain's shape. */
function specialAttributesOf(request: PlaceOrderRequest): Record<string, unknown> {
  const attributes = request.attributes;
  return {
    ...(attributes?.crossBorder ? { crossBorder: { bonded: false } } : {}),
    ...(attributes?.customsAuction ? { customsAuction: { auctionId: 'unknown' } } : {}),
    ...(attributes?.reservation ? { reservation: {} } : {}),
    ...(attributes?.presale ? { presale: {} } : {}),
    ...(attributes?.groupBuyId ? { groupBuy: { groupId: attributes.groupBuyId, formed: false } } : {}),
  };
}

/** The order's special kinds as codes, for other services' read models. */
function kindsOf(request: PlaceOrderRequest): string[] {
  const attributes = request.attributes;
  return [
    ...(attributes?.crossBorder ? ['CROSS_BORDER'] : []),
    ...(attributes?.customsAuction ? ['CUSTOMS_AUCTION'] : []),
    ...(attributes?.reservation ? ['RESERVATION'] : []),
    ...(attributes?.presale ? ['PRESALE'] : []),
    ...(attributes?.groupBuyId ? ['GROUP_BUY'] : []),
  ];
}

/**
 * A buyer places an order. It starts UNPAID (domain.md §1.2): a CREDIT order leaves UNPAID
 * when credit-billing grants the hold; `OrderPlaced` is written in the same transaction.
 */
@Injectable()
export class PlaceOrder {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
  ) {}

  async execute(request: PlaceOrderRequest, buyer: Principal): Promise<string> {
    if (buyer.role !== 'BUYER' || !buyer.buyerId) throw new DomainError('FORBIDDEN', 403, 'only buyers place orders');
    const termsProblem = paymentTermsProblem(request.paymentMethod, request.credit);
    if (termsProblem) throw new DomainError('INVALID_PAYMENT_TERMS', 422, termsProblem);
    const price = priceOrder(request.items, request.freight ?? 0);
    if (request.paymentMethod === 'CREDIT' && price.payable === 0) throw new DomainError('INVALID_PAYMENT_TERMS', 422, 'a credit order must have something to pay');

    const orderId = randomUUID();
    const now = this.clock.now();
    const lines = price.lines.map((line, position) => ({ id: randomUUID(), orderId, position, ...line }));
    await this.unitOfWork.run(async (scope) => {
      await scope.manager.insert(OrderRecord, {
        id: orderId,
        merchantId: request.merchantId,
        buyerId: buyer.buyerId!,
        // domain.md §1.2: cash on delivery needs no payment step; it waits for outbound at once.
        status: request.paymentMethod === 'COD' ? 'WAITING_OUTBOUND' : 'UNPAID',
        paymentMethod: request.paymentMethod,
        creditPlan: request.credit?.plan ?? null,
        creditPeriods: request.credit?.periods ?? null,
        creditHoldId: null,
        goodsTotal: price.goodsTotal,
        freight: price.freight,
        payable: price.payable,
        fulfilment: request.fulfilment ?? null,
        buyerNote: request.buyerNote ?? null,
        consigneeName: request.consignee.name,
        consigneePhone: request.consignee.phone,
        consigneeAddress: { ...request.consignee.address },
        cancelReason: null,
        cancelledBy: null,
        pause: null,
        specifiedPlatformDelivery: request.specifiedPlatformDelivery ?? false,
        specialAttributes: specialAttributesOf(request) as never,
        createdAt: now,
        updatedAt: now,
      });
      await scope.manager.insert(OrderLineRecord, lines);
      await scope.manager.insert(OrderStatusChangeRecord, { orderId, fromStatus: null, toStatus: 'UNPAID', reason: 'PLACED', actor: `buyer:${buyer.buyerId}`, at: now });
      if (request.paymentMethod === 'COD') {
        await scope.manager.insert(OrderStatusChangeRecord, { orderId, fromStatus: 'UNPAID', toStatus: 'WAITING_OUTBOUND', reason: 'CASH_ON_DELIVERY', actor: 'system', at: now });
      }
      if (request.paymentMethod === 'COD') await pauseUntilGroupForms(scope, (await lockOrder(scope, orderId))!, now);
      await scope.publish(OrderPlaced, {
        orderId,
        merchantId: request.merchantId,
        buyerId: buyer.buyerId!,
        paymentMethod: request.paymentMethod,
        payable: price.payable,
        freight: price.freight,
        credit: request.credit ? { plan: request.credit.plan, periods: request.credit.periods } : undefined,
        lines: lines.map((line) => ({ lineId: line.id, skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity, lineTotal: line.lineTotal })),
        // For the export center's read model (domain.md §5): it never reads this database.
        goodsTotal: price.goodsTotal,
        discountTotal: 0,
        consigneeSealed: sealPersonalData({ name: request.consignee.name, phone: request.consignee.phone, address: { ...request.consignee.address } }, personalDataSecret(this.config)),
        kinds: kindsOf(request),
        fulfilment: request.fulfilment,
        buyerNote: request.buyerNote,
      });
    });
    return orderId;
  }
}

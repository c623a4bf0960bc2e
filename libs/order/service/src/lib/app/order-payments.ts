import { Inject, Injectable } from '@nestjs/common';
import { decideFeeChange } from '@orderline/order/domain';
import { ChangeFeesRequest } from '@orderline/order/contract';
import { OrderCancelled, OrderCompleted, OrderFeesChanged, OrderPaid } from '@orderline/shared/contracts';
import { TimerFailures, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from '../order-service-config';
import { OrderLineRecord } from '../infra/order.entity';
import { PaymentProvider } from '../infra/payment-provider';
import { claimNextUnpaidExpiry, UNPAID_EXPIRY_JOB } from '../infra/order-timer.store';
import { onReadyForOutbound } from './order-kind-rules';
import {transitionOrder } from './order-transitions';
import { lockOrder } from '../infra/order.repository';
import { recordOnlinePayment } from '../infra/order-payment.repository';
import { assertFactOwner } from './fact-owner-check';

/**
 * Online payment (domain.md §1.2): the payment port charges the payable, the order moves to
 * WAITING_OUTBOUND and `OrderPaid` is published; freight changes while UNPAID (§1.7).
 */
@Injectable()
export class OrderPayments {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly payments: PaymentProvider,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: OrderServiceConfig,
  ) {}

  async pay(orderId: string, buyer: Principal): Promise<void> {
    assertFactOwner('PAY', buyer);
    await this.unitOfWork.run(async (scope) => {
      const order = await lockOrder(scope.manager, orderId);
      if (!order || order.buyerId !== buyer.buyerId) throw new NotFoundError(`order ${orderId}`);
      if (order.paymentMethod !== 'ONLINE') throw new DomainError('NOT_AN_ONLINE_ORDER', 409, `this order is paid by ${order.paymentMethod}; only ONLINE orders are paid here`);
      if (order.status !== 'UNPAID') throw new DomainError('ORDER_NOT_UNPAID', 409, `order ${orderId} is ${order.status}; only an UNPAID order can be paid`);
      const payment = await this.payments.collect({ idempotencyKey: `order:${order.id}`, subject: `order:${order.id}`, amount: order.payable });
      // Orders are paid in one call: a provider that has not confirmed has not taken the money.
      if (payment.status !== 'CONFIRMED') throw new DomainError('PAYMENT_NOT_CONFIRMED', 402, `the payment provider answered ${payment.status} for order ${orderId}; nothing was paid`);
      const now = this.clock.now();
      await recordOnlinePayment(scope.manager, { orderId: order.id, amount: order.payable, provider: payment.provider, providerReference: payment.reference, paidAt: now });
      await transitionOrder(scope, order, 'PAYMENT_CONFIRMED', `buyer:${buyer.buyerId}`, 'PAID_ONLINE', now);
      await scope.publish(OrderPaid, { orderId: order.id, buyerId: order.buyerId, paymentMethod: 'ONLINE', amount: order.payable });
      await onReadyForOutbound(scope, order, now);
    });
  }

  /** The buyer confirms receipt any time after shipment (domain.md §2.4): the order completes. */
  async confirmReceipt(orderId: string, buyer: Principal): Promise<void> {
    assertFactOwner('CONFIRM_RECEIPT', buyer);
    await this.unitOfWork.run(async (scope) => {
      const order = await lockOrder(scope.manager, orderId);
      if (!order || order.buyerId !== buyer.buyerId) throw new NotFoundError(`order ${orderId}`);
      await transitionOrder(scope, order, 'COMPLETE', `buyer:${buyer.buyerId}`, 'RECEIPT_CONFIRMED', this.clock.now());
      await scope.publish(OrderCompleted, { orderId: order.id, merchantId: order.merchantId, buyerId: order.buyerId });
    });
  }

  /**
   * domain.md §1.7: the new freight is what the buyer pays, service fees per fee type; the
   * payable is recomputed and never below zero. Decision: a merchant offers delivery-and-install
   * when the checkout priced a service fee into its order (the order service does not hold
   * merchant contracts), so only such orders take service-fee changes.
   */
  async changeFees(orderId: string, request: ChangeFeesRequest, caller: Principal): Promise<void> {
    this.assertFeesWithinCaps(request);
    assertFactOwner('CHANGE_FEES', caller);
    await this.unitOfWork.run(async (scope) => {
      const order = await lockOrder(scope.manager, orderId);
      if (!order || caller.role !== 'MERCHANT' || order.merchantId !== caller.merchantId) throw new NotFoundError(`order ${orderId}`);
      // Decision: a credit order's hold was sized on the payable at placement, so its fees are fixed.
      if (order.paymentMethod === 'CREDIT') throw new DomainError('FEE_CHANGE_NOT_FOR_CREDIT', 409, 'the credit hold of this order was placed for its payable; fees of credit orders cannot change');
      const lines = await scope.manager.getRepository(OrderLineRecord).find({ where: { orderId }, order: { position: 'ASC' } });
      const decision = decideFeeChange(
        {
          status: order.status,
          paymentMethod: order.paymentMethod,
          crossBorder: Boolean((order.specialAttributes as { crossBorder?: unknown }).crossBorder),
          containsOtherMerchantsGoods: false,
          merchantOffersDeliveryAndInstall: order.serviceFees.length > 0,
          lines: lines.map((line) => ({ skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity })),
          freight: order.freight,
          serviceFees: order.serviceFees,
          // The coupon's discount stays taken off when the merchant changes fees (domain.md §1.1a, §1.7).
          deductions: { promotions: 0, coupons: order.discountTotal, points: 0, balance: 0 },
        },
        { freight: request.freight, serviceFees: request.serviceFees },
      );
      if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
      order.freight = decision.charges.freight;
      order.payable = decision.charges.payable;
      order.serviceFees = decision.serviceFees.map((fee) => ({ feeType: fee.feeType, amount: fee.amount, skuIds: [...fee.skuIds] }));
      await scope.manager.save(order);
      await scope.publish(OrderFeesChanged, { orderId, merchantId: order.merchantId, freight: order.freight, serviceFees: order.serviceFees, payable: order.payable });
    });
  }

  /** Decision (docs/money-bounds-and-repayments.md): a merchant's freight and fees are capped by configuration. */
  private assertFeesWithinCaps(request: ChangeFeesRequest): void {
    const freightCap = this.config.FEE_CHANGE_MAX_FREIGHT;
    if (request.freight !== undefined && request.freight > freightCap) {
      throw new DomainError('FREIGHT_ABOVE_CAP', 422, `freight is at most ${freightCap} fen`, { maximum: freightCap, errors: [{ field: 'freight', message: `at most ${freightCap} fen` }] });
    }
    const feeCap = this.config.FEE_CHANGE_MAX_SERVICE_FEE;
    const tooHigh = (request.serviceFees ?? []).findIndex((fee) => fee.amount > feeCap);
    if (tooHigh >= 0) {
      throw new DomainError('SERVICE_FEE_ABOVE_CAP', 422, `a service fee is at most ${feeCap} fen`, { maximum: feeCap, errors: [{ field: `serviceFees.${tooHigh}.amount`, message: `at most ${feeCap} fen` }] });
    }
  }

  /**
   * One unpaid online order placed before `placedBefore` is cancelled (domain.md §1.2; default
   * 24 h), in its own transaction; false when none is due. Run by the order timers through
   * `runIsolated`, so an order that fails is recorded and the others still expire.
   */
  async expireNextUnpaid(placedBefore: Date, claimed: (orderId: string) => void): Promise<boolean> {
    return this.unitOfWork.run(async (scope) => {
      const now = this.clock.now();
      const id = await claimNextUnpaidExpiry(scope.manager, placedBefore, now);
      if (!id) return false;
      claimed(id);
      const order = await lockOrder(scope.manager, id);
      if (!order) throw new Error(`order ${id} was claimed but could not be loaded`);
      order.cancelReason = 'PAYMENT_TIMEOUT';
      order.cancelledBy = 'SYSTEM';
      await transitionOrder(scope, order, 'CANCEL', 'system', 'PAYMENT_TIMEOUT', now);
      await scope.publish(OrderCancelled, { orderId: id, buyerId: order.buyerId, paymentMethod: order.paymentMethod, reason: 'PAYMENT_TIMEOUT', cancelledBy: 'SYSTEM', previousStatus: 'UNPAID' });
      await TimerFailures.clear(scope.manager, UNPAID_EXPIRY_JOB, id);
      return true;
    });
  }
}

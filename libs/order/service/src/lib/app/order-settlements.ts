import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { codReconciliationVeto } from '@orderline/order/domain';
import { CodReconciled, OrderCompleted, VoucherRedeemed } from '@orderline/shared/contracts';
import { UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { StoredKinds } from './order-kind-rules';
import {transitionOrder } from './order-transitions';
import { lockOrder } from '../infra/order.repository';
import { recordCodReconciliation } from '../infra/order-payment.repository';
import { assertFactOwner } from './fact-owner-check';

/**
 * The two ways an order completes without a buyer's receipt: finance reconciles the cash a
 * courier collected for a COD order (domain.md §1.2), and a shop redeems a local-service
 * voucher with its verification code (§1.1 LOC).
 */
@Injectable()
export class OrderSettlements {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  /** Reconciliation is an operator (finance) action; the rule is `codReconciliationVeto` (refused with both amounts). */
  async reconcileCod(orderId: string, request: { collectedAmount: number; settlementReference: string }, caller: Principal): Promise<void> {
    assertFactOwner('RECONCILE_COD', caller);
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only finance operators reconcile cash-on-delivery collections');
    await this.unitOfWork.run(async (scope) => {
      const order = await lockOrder(scope.manager, orderId);
      if (!order) throw new NotFoundError(`order ${orderId}`);
      const veto = codReconciliationVeto(order, request.collectedAmount);
      if (veto) throw new DomainError(veto.code, 409, veto.reason, veto.code === 'COD_AMOUNT_MISMATCH' ? { payable: order.payable, collectedAmount: request.collectedAmount } : {});
      const now = this.clock.now();
      await transitionOrder(scope, order, 'RECONCILE_COD', `operator:${caller.accountId}`, `COD_RECONCILED: ${request.settlementReference}`, now);
      await recordCodReconciliation(scope.manager, { orderId, collectedAmount: request.collectedAmount, settlementReference: request.settlementReference, reconciledBy: `operator:${caller.accountId}`, reconciledAt: now });
      await scope.publish(CodReconciled, { orderId, merchantId: order.merchantId, collectedAmount: request.collectedAmount, settlementReference: request.settlementReference });
      await scope.publish(OrderCompleted, { orderId, merchantId: order.merchantId, buyerId: order.buyerId });
    });
  }

  /** The shop checks the buyer's code; a wrong code changes nothing. */
  async redeemVoucher(orderId: string, verificationCode: string, caller: Principal): Promise<void> {
    assertFactOwner('REDEEM_VOUCHER', caller);
    await this.unitOfWork.run(async (scope) => {
      const order = await lockOrder(scope.manager, orderId);
      if (!order || caller.role !== 'MERCHANT' || order.merchantId !== caller.merchantId) throw new NotFoundError(`order ${orderId}`);
      const kinds = order.specialAttributes as StoredKinds;
      const expected = kinds.localServiceVoucher?.verificationCode;
      if (kinds.localServiceVoucher && !expected) throw new DomainError('VOUCHER_NOT_PAID', 409, 'the voucher has no verification code yet: the order is not paid');
      if (expected && !sameCode(expected, verificationCode)) throw new DomainError('VERIFICATION_CODE_MISMATCH', 422, 'the verification code does not match this voucher; ask the buyer for the code shown on the order');
      const now = this.clock.now();
      await transitionOrder(scope, order, 'REDEEM_VOUCHER', `merchant:${caller.accountId}`, 'VOUCHER_REDEEMED', now);
      order.specialAttributes = { ...kinds, localServiceVoucher: { ...kinds.localServiceVoucher, redeemedAt: now.toISOString() } };
      await scope.manager.save(order);
      await scope.publish(VoucherRedeemed, { orderId, merchantId: order.merchantId, redeemedAt: now.toISOString() });
      await scope.publish(OrderCompleted, { orderId, merchantId: order.merchantId, buyerId: order.buyerId });
    });
  }
}

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

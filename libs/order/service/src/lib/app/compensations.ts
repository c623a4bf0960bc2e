import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CompensationKind, decideCompensation, lateShippingCompensationAmount, LateShippingCompensationPolicy, lateShippingPolicyProblem } from '@orderline/order/domain';
import { CompensationView } from '@orderline/order/contract';
import { CompensationGranted } from '@orderline/shared/contracts';
import { TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from '../order-service-config';
import { OrderRecord } from '../infra/order.entity';
import { lockOrder } from '../infra/order.repository';
import { compensatedAmountOf, CompensationRow, findExistingCompensation, insertCompensation, paidAmountOf } from '../infra/order-compensation.repository';
import { assertFactOwner } from './fact-owner-check';

export function compensationView(row: CompensationRow): CompensationView {
  return { id: row.id, kind: row.kind, amount: Number(row.amount), reason: row.reason, grantedAt: row.granted_at.toISOString() };
}

export function lateShippingPolicyOf(config: OrderServiceConfig): LateShippingCompensationPolicy {
  return { rateBasisPoints: config.LATE_SHIPPING_COMPENSATION_RATE_BP, floorFen: config.LATE_SHIPPING_COMPENSATION_FLOOR_FEN, capFen: config.LATE_SHIPPING_COMPENSATION_CAP_FEN };
}

/**
 * Compensation records (赔付, docs/compensation.md): load the order under its lock, decide
 * with the domain rule, save the record and `CompensationGranted` in one transaction. A request
 * repeated with the same Idempotency-Key answers the first record; late shipping is once per order.
 */
@Injectable()
export class Compensations {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: OrderServiceConfig,
  ) {
    // A floor above the cap is refused at start-up, not at the first time-out.
    const problem = lateShippingPolicyProblem(lateShippingPolicyOf(config));
    if (problem) throw new Error(`LATE_SHIPPING_COMPENSATION_*: ${problem}`);
  }

  /** ADVANCE by an operator (先行赔付) or DIRECT by the order's merchant (商家直赔). */
  async grant(orderId: string, kind: 'ADVANCE' | 'DIRECT', request: { amount: number; reason: string; idempotencyKey?: string }, caller: Principal): Promise<CompensationView> {
    assertFactOwner(kind === 'ADVANCE' ? 'GRANT_ADVANCE_COMPENSATION' : 'GRANT_DIRECT_COMPENSATION', caller);
    const grantedBy = kind === 'ADVANCE' ? `operator:${caller.accountId}` : `merchant:${caller.accountId}`;
    const idempotencyKey = request.idempotencyKey ?? null;
    return this.unitOfWork.run(async (scope) => {
      const order = await lockOrder(scope.manager, orderId);
      if (!order || (kind === 'DIRECT' && order.merchantId !== caller.merchantId)) throw new NotFoundError(`order ${orderId}`);
      const existing = await findExistingCompensation(scope.manager, { orderId, kind, grantedBy, idempotencyKey });
      if (existing) return compensationView(existing);
      const decision = decideCompensation(await this.boundOf(scope, order), { amount: request.amount });
      if (!decision.allowed) throw new DomainError(decision.veto.code, decision.veto.code === 'COMPENSATION_AMOUNT_INVALID' ? 422 : 409, decision.veto.reason);
      return this.record(scope, order, kind, decision.amount, request.reason.trim(), grantedBy, idempotencyKey);
    });
  }

  /**
   * The time-out rule's compensation (延迟发货赔付), in the time-out's own transaction: once per
   * order, the configured amount, nothing when the order paid nothing or the bound is used up.
   */
  async grantLateShipping(scope: TransactionScope, orderId: string): Promise<void> {
    const order = await lockOrder(scope.manager, orderId);
    // A local-service order (voucher, sign-up) is redeemed in the shop: it never ships, so it is never late.
    if (!order || order.kinds.includes('LOCAL_SERVICE_VOUCHER')) return;
    if (await findExistingCompensation(scope.manager, { orderId, kind: 'LATE_SHIPPING', grantedBy: 'system', idempotencyKey: null })) return;
    const amount = lateShippingCompensationAmount(await this.boundOf(scope, order), lateShippingPolicyOf(this.config));
    if (amount === 0) return;
    await this.record(scope, order, 'LATE_SHIPPING', amount, `shipping timed out: promised by ${order.promisedShipBy?.toISOString() ?? 'unknown'}`, 'system', null);
  }

  private async boundOf(scope: TransactionScope, order: OrderRecord) {
    return { paidAmount: await paidAmountOf(scope.manager, order), compensatedAmount: await compensatedAmountOf(scope.manager, order.id) };
  }

  private async record(scope: TransactionScope, order: OrderRecord, kind: CompensationKind, amount: number, reason: string, grantedBy: string, idempotencyKey: string | null): Promise<CompensationView> {
    const id = randomUUID();
    const grantedAt = this.clock.now();
    await insertCompensation(scope.manager, { id, orderId: order.id, kind, amount, reason, grantedBy, idempotencyKey, grantedAt });
    await scope.publish(CompensationGranted, { compensationId: id, orderId: order.id, merchantId: order.merchantId, buyerId: order.buyerId, kind, amount, reason, grantedBy, grantedAt: grantedAt.toISOString() });
    return { id, kind, amount, reason, grantedAt: grantedAt.toISOString() };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Address, decideConsigneeChange, decidePause, decidePauseRelease, PauseReason, PauseReleaseTrigger, SpecialAttributes, timedReleaseDue } from '@orderline/order/domain';
import { ChangeConsigneeRequest, PauseOrderRequest, ResumeOrderRequest } from '@orderline/order/contract';
import { ConsigneeChanged, OrderPaused, OrderResumed, sealPersonalData } from '@orderline/shared/contracts';
import { TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { BaseServiceConfig, Clock, DomainError, NotFoundError, personalDataSecret, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderRecord } from '../infra/order.entity';
import { lockOrder, recordTransition } from './order-transitions';

/**
 * Merchant operations on one order (domain.md §1.5, §1.6): each loads the order locked,
 * asks the domain rule, and saves the change with its event in one transaction.
 */
@Injectable()
export class MerchantOperations {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
  ) {}

  private async ownOrder(scope: TransactionScope, orderId: string, caller: Principal): Promise<OrderRecord> {
    const order = await lockOrder(scope, orderId);
    // Another merchant's order answers exactly like a missing one.
    if (!order || caller.role !== 'MERCHANT' || order.merchantId !== caller.merchantId) throw new NotFoundError(`order ${orderId}`);
    return order;
  }

  private async recordTransition(scope: TransactionScope, order: OrderRecord, from: string, to: string, reason: string, caller: Principal, at: Date): Promise<void> {
    await recordTransition(scope, order, from, to, reason, `merchant:${caller.accountId}`, at);
  }

  async pause(orderId: string, request: PauseOrderRequest, caller: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope) => {
      const order = await this.ownOrder(scope, orderId, caller);
      const now = this.clock.now();
      const decision = decidePause({ status: order.status, paymentMethod: order.paymentMethod }, { reason: request.reason as PauseReason, releaseAt: request.releaseAt ? new Date(request.releaseAt) : undefined }, now);
      if (!decision.allowed) throw new DomainError(decision.veto.code, decision.veto.code === 'UNKNOWN_PAUSE_REASON' ? 422 : 409, decision.veto.reason);
      order.status = decision.to;
      order.pause = { reason: decision.pause.reason, pausedAt: now.toISOString(), ...(decision.pause.releaseAt ? { releaseAt: decision.pause.releaseAt.toISOString() } : {}) };
      await scope.manager.save(order);
      await this.recordTransition(scope, order, decision.from, decision.to, `PAUSED: ${decision.pause.reason}`, caller, now);
      await scope.publish(OrderPaused, { orderId, merchantId: order.merchantId, reason: decision.pause.reason, releaseAt: order.pause.releaseAt });
    });
  }

  async resume(orderId: string, request: ResumeOrderRequest, caller: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope) => {
      const order = await this.ownOrder(scope, orderId, caller);
      if (order.status !== 'PAUSED' || !order.pause) throw new DomainError('ORDER_NOT_PAUSED', 409, `order ${orderId} is ${order.status}, not paused`);
      const now = this.clock.now();
      const pause = { reason: order.pause.reason as PauseReason, pausedAt: new Date(order.pause.pausedAt), ...(order.pause.releaseAt ? { releaseAt: new Date(order.pause.releaseAt) } : {}) };
      const decision = decidePauseRelease({ status: order.status, paymentMethod: order.paymentMethod, pause }, pause, { trigger: request.trigger as PauseReleaseTrigger, evidence: request.evidence }, now);
      if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
      order.status = decision.to;
      order.pause = null;
      await scope.manager.save(order);
      await this.recordTransition(scope, order, decision.from, decision.to, `RELEASED: ${request.trigger}`, caller, now);
      await scope.publish(OrderResumed, { orderId, merchantId: order.merchantId, pauseReason: pause.reason, trigger: request.trigger });
    });
  }

  async changeConsignee(orderId: string, request: ChangeConsigneeRequest, caller: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope) => {
      const order = await this.ownOrder(scope, orderId, caller);
      const decision = decideConsigneeChange(
        {
          status: order.status,
          paymentMethod: order.paymentMethod,
          fulfilment: { carrier: order.fulfilment === 'THIRD_PARTY' ? 'THIRD_PARTY' : 'JD_LOGISTICS', buyerSpecifiedPlatformDelivery: order.specifiedPlatformDelivery },
          attributes: order.specialAttributes as SpecialAttributes,
        },
        { name: order.consigneeName, phone: order.consigneePhone, address: order.consigneeAddress as Address },
        { name: request.name, phone: request.phone, address: request.address },
      );
      if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason, { mayChange: decision.mayChange });
      if (!decision.changed) return;
      order.consigneeName = decision.consignee.name;
      order.consigneePhone = decision.consignee.phone;
      order.consigneeAddress = { ...decision.consignee.address };
      await scope.manager.save(order);
      const changed = [
        ...(decision.changes.name ? ['name'] : []),
        ...(decision.changes.phone ? ['phone'] : []),
        ...decision.changes.addressLevels.map((level) => `address.level${level}`),
        ...(decision.changes.detail ? ['address.detail'] : []),
      ];
      // The new consignee travels sealed: logistics (e-waybill) and export open it; nothing else can.
      const consignee = { name: decision.consignee.name, phone: decision.consignee.phone, address: { ...(decision.consignee.address as Address) } };
      await scope.publish(ConsigneeChanged, { orderId, merchantId: order.merchantId, changed, phoneChanged: decision.changes.phone, consigneeSealed: sealPersonalData(consignee, personalDataSecret(this.config)) });
    });
  }

  /** Timed pauses (reserved time, subscription date, fair date) release themselves when due (domain.md §1.5). */
  async releaseDuePauses(batch = 50): Promise<number> {
    return this.unitOfWork.run(async (scope) => {
      const now = this.clock.now();
      const due: Array<{ id: string }> = await scope.manager.query(
        `SELECT id FROM customer_order WHERE status = 'PAUSED' AND (pause ->> 'releaseAt')::timestamptz <= $1 ORDER BY (pause ->> 'releaseAt') LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, batch],
      );
      for (const { id } of due) {
        const order = (await lockOrder(scope, id))!;
        if (!order.pause?.releaseAt) continue;
        const pause = { reason: order.pause.reason as PauseReason, pausedAt: new Date(order.pause.pausedAt), releaseAt: new Date(order.pause.releaseAt) };
        const trigger = timedReleaseDue(pause, now);
        if (!trigger) continue;
        const decision = decidePauseRelease({ status: order.status, paymentMethod: order.paymentMethod, pause }, pause, { trigger }, now);
        if (!decision.allowed) continue;
        order.status = decision.to;
        order.pause = null;
        await scope.manager.save(order);
        await recordTransition(scope, order, decision.from, decision.to, `RELEASED: ${trigger}`, 'system', now);
        await scope.publish(OrderResumed, { orderId: order.id, merchantId: order.merchantId, pauseReason: pause.reason, trigger });
      }
      return due.length;
    });
  }

  /** The group of a group-buy formed: its orders may be cancelled and shipped (domain.md §1.3, §1.5). */
  async groupFormed(groupId: string, caller: Principal): Promise<{ groupId: string; orders: number; released: number }> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators record that a group formed');
    return this.unitOfWork.run(async (scope) => {
      const now = this.clock.now();
      const rows: Array<{ id: string }> = await scope.manager.query(
        `SELECT id FROM customer_order WHERE special_attributes -> 'groupBuy' ->> 'groupId' = $1 AND (special_attributes -> 'groupBuy' ->> 'formed')::boolean IS NOT TRUE ORDER BY created_at FOR UPDATE`,
        [groupId],
      );
      let released = 0;
      for (const { id } of rows) {
        const order = (await lockOrder(scope, id))!;
        const attributes = order.specialAttributes as { groupBuy: { groupId: string; formed: boolean } };
        order.specialAttributes = { ...attributes, groupBuy: { ...attributes.groupBuy, formed: true } };
        if (order.status === 'PAUSED' && order.pause?.reason === 'WAITING_FOR_GROUP') {
          const pause = { reason: 'WAITING_FOR_GROUP' as PauseReason, pausedAt: new Date(order.pause.pausedAt) };
          const decision = decidePauseRelease({ status: order.status, paymentMethod: order.paymentMethod, pause, groupBuy: { formed: true } }, pause, { trigger: 'GROUP_FORMED' }, now);
          if (decision.allowed) {
            order.status = decision.to;
            order.pause = null;
            await recordTransition(scope, order, decision.from, decision.to, 'RELEASED: GROUP_FORMED', `operator:${caller.accountId}`, now);
            await scope.publish(OrderResumed, { orderId: order.id, merchantId: order.merchantId, pauseReason: 'WAITING_FOR_GROUP', trigger: 'GROUP_FORMED' });
            released += 1;
          }
        }
        await scope.manager.save(order);
      }
      return { groupId, orders: rows.length, released };
    });
  }
}

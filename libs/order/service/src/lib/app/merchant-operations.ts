import { Inject, Injectable } from '@nestjs/common';
import { Address, carrierKindOf, decideConsigneeChange, decidePause, PAUSE_REASONS, PauseReason, PauseReleaseTrigger, pauseReleaseRule, SpecialAttributes, TIMED_PAUSE_REASONS, timedReleaseDue } from '@orderline/order/domain';
import { ChangeConsigneeRequest, LiftLogisticsDisruptionRequest, PauseOrderRequest, ResumeOrderRequest, StockArrivalRequest } from '@orderline/order/contract';
import { ConsigneeChanged, sealPersonalData } from '@orderline/shared/contracts';
import { TimerFailures, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { BaseServiceConfig, Clock, DomainError, NotFoundError, personalDataSecret, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderRecord } from '../infra/order.entity';
import { claimNextDuePause, TIMED_PAUSE_RELEASE_JOB } from '../infra/order-timer.store';
import { assertFactOwner, assertReleaseOwner } from './fact-owner-check';
import {orderFacts, pauseOrder, releasePausedOrder } from './order-transitions';
import { lockOrder, lockUnformedGroupOrders, pausedOrdersFor } from '../infra/order.repository';

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
    const order = await lockOrder(scope.manager, orderId);
    // Another merchant's order answers exactly like a missing one.
    if (!order || caller.role !== 'MERCHANT' || order.merchantId !== caller.merchantId) throw new NotFoundError(`order ${orderId}`);
    return order;
  }

  async pause(orderId: string, request: PauseOrderRequest, caller: Principal): Promise<void> {
    assertFactOwner('PAUSE', caller);
    await this.unitOfWork.run(async (scope) => {
      const order = await this.ownOrder(scope, orderId, caller);
      const now = this.clock.now();
      const decision = decidePause(orderFacts(order), { reason: request.reason as PauseReason, releaseAt: request.releaseAt ? new Date(request.releaseAt) : undefined }, now);
      if (!decision.allowed) throw new DomainError(decision.veto.code, decision.veto.code === 'UNKNOWN_PAUSE_REASON' ? 422 : 409, decision.veto.reason);
      await pauseOrder(scope, order, decision, `merchant:${caller.accountId}`, now);
    });
  }

  async resume(orderId: string, request: ResumeOrderRequest, caller: Principal): Promise<void> {
    // Issue 12: only merchant-owned triggers may be asserted here; the platform's own (group
    // formed, main item delivered, disruption lifted, stock arrived, the timed ones) come from
    // the events and operator calls that establish them.
    assertReleaseOwner(request.trigger, caller);
    await this.unitOfWork.run(async (scope) => {
      const order = await this.ownOrder(scope, orderId, caller);
      if (order.status !== 'PAUSED' || !order.pause) throw new DomainError('ORDER_NOT_PAUSED', 409, `order ${orderId} is ${order.status}, not paused`);
      const release = { trigger: request.trigger as PauseReleaseTrigger, evidence: request.evidence, certificate: request.certificate, batchNumber: request.batchNumber, realNameCheck: request.realNameCheck };
      const decision = await releasePausedOrder(scope, order, release, `merchant:${caller.accountId}`, this.clock.now());
      if (!decision.allowed) throw new DomainError(decision.veto.code, decision.veto.code === 'RELEASE_DATA_REQUIRED' ? 422 : 409, decision.veto.reason);
    });
  }

  /** Operator: shipping is possible again for a disruption cause (domain.md §1.5), everywhere or in one province. */
  async liftLogisticsDisruption(request: LiftLogisticsDisruptionRequest, caller: Principal): Promise<{ reason: string; province: string | null; released: number }> {
    assertFactOwner('LIFT_LOGISTICS_DISRUPTION', caller);
    const released = await this.releaseAll({ reasons: [request.reason], province: request.province }, 'LOGISTICS_DISRUPTION_LIFTED', caller);
    return { reason: request.reason, province: request.province ?? null, released };
  }

  /** Operator: stock arrived at a merchant's shipping warehouse; out-of-stock and scheduling pauses end (domain.md §1.5). */
  async stockArrived(request: StockArrivalRequest, caller: Principal): Promise<{ merchantId: string; released: number }> {
    assertFactOwner('RECORD_STOCK_ARRIVAL', caller);
    const reasons = PAUSE_REASONS.filter((reason) => (pauseReleaseRule(reason).releasedBy as readonly string[]).includes('STOCK_ARRIVED'));
    const released = await this.releaseAll({ reasons, merchantId: request.merchantId, skuIds: request.skuIds }, 'STOCK_ARRIVED', caller);
    return { merchantId: request.merchantId, released };
  }

  private async releaseAll(filter: Parameters<typeof pausedOrdersFor>[1], trigger: PauseReleaseTrigger, caller: Principal, batch = 100): Promise<number> {
    let released = 0;
    for (;;) {
      const { found, done } = await this.unitOfWork.run(async (scope) => {
        const ids = await pausedOrdersFor(scope.manager, filter, batch);
        let count = 0;
        for (const id of ids) {
          const order = await lockOrder(scope.manager, id);
          if (order && (await releasePausedOrder(scope, order, { trigger }, `operator:${caller.accountId}`, this.clock.now())).allowed) count += 1;
        }
        return { found: ids.length, done: count };
      });
      released += done;
      // A batch that released nothing would be found again: stop rather than spin.
      if (found < batch || done === 0) return released;
    }
  }

  async changeConsignee(orderId: string, request: ChangeConsigneeRequest, caller: Principal): Promise<void> {
    assertFactOwner('CHANGE_CONSIGNEE', caller);
    await this.unitOfWork.run(async (scope) => {
      const order = await this.ownOrder(scope, orderId, caller);
      const decision = decideConsigneeChange(
        {
          status: order.status,
          paymentMethod: order.paymentMethod,
          fulfilment: { carrier: carrierKindOf(order), buyerSpecifiedPlatformDelivery: order.specifiedPlatformDelivery },
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

  /**
   * One timed pause (reserved time, subscription date, fair date) whose instant has come releases
   * itself (domain.md §1.5), in its own transaction; false when none is due. Only reasons the clock
   * releases are claimed; a release the rules refuse throws, so `runIsolated` records it and backs
   * off: a claimed order is either released or in backoff, never due again at once.
   */
  async releaseNextDuePause(claimed: (orderId: string) => void): Promise<boolean> {
    return this.unitOfWork.run(async (scope) => {
      const now = this.clock.now();
      const id = await claimNextDuePause(scope.manager, TIMED_PAUSE_REASONS, now);
      if (!id) return false;
      claimed(id);
      const order = await lockOrder(scope.manager, id);
      if (!order) throw new Error(`order ${id} was claimed but could not be loaded`);
      const pause = order.pause?.releaseAt ? { reason: order.pause.reason as PauseReason, pausedAt: new Date(order.pause.pausedAt), releaseAt: new Date(order.pause.releaseAt) } : undefined;
      const trigger = pause && timedReleaseDue(pause, now);
      if (!trigger) throw new DomainError('PAUSE_NOT_TIMED', 409, `the pause of order ${id} has no release time that has come`);
      const decision = await releasePausedOrder(scope, order, { trigger }, 'system', now);
      if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
      await TimerFailures.clear(scope.manager, TIMED_PAUSE_RELEASE_JOB, id);
      return true;
    });
  }

  /** The group of a group-buy formed: its orders may be cancelled and shipped (domain.md §1.3, §1.5). */
  async groupFormed(groupId: string, caller: Principal): Promise<{ groupId: string; orders: number; released: number }> {
    assertFactOwner('FORM_GROUP', caller);
    return this.unitOfWork.run(async (scope) => {
      const now = this.clock.now();
      const ids = await lockUnformedGroupOrders(scope.manager, groupId);
      let released = 0;
      for (const id of ids) {
        const order = (await lockOrder(scope.manager, id))!;
        const attributes = order.specialAttributes as { groupBuy: { groupId: string; formed: boolean } };
        order.specialAttributes = { ...attributes, groupBuy: { ...attributes.groupBuy, formed: true } };
        if (order.status === 'PAUSED' && order.pause?.reason === 'WAITING_FOR_GROUP' && (await releasePausedOrder(scope, order, { trigger: 'GROUP_FORMED' }, `operator:${caller.accountId}`, now)).allowed) released += 1;
        else await scope.manager.save(order);
      }
      return { groupId, orders: ids.length, released };
    });
  }
}

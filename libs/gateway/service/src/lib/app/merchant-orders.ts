import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeConsigneeRequest, ChangeFeesRequest, MerchantOrderListView, MerchantOrdersQuery, OrderView, PauseOrderRequest, RedeemVoucherRequest, ResumeOrderRequest } from '@orderline/order/contract';
import { checkFactOwner, hasPermission, maskConsignee, maskPersonalData, pauseReleaseOwner } from '@orderline/gateway/domain';
import { Clock, DomainError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { forwardedQuery, ServiceClient } from '../infra/service-client';
import { recordReveal } from '../infra/reveal-log.repository';

/**
 * Orders as a merchant sees them: consumer name, phone and address masked (domain.md §6.1)
 * unless the caller holds REVEAL_CONSUMER_INFO and asks; each reveal is written to the log.
 */
@Injectable()
export class MerchantOrders {
  constructor(
    private readonly services: ServiceClient,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  async get(orderId: string, caller: Principal, reveal: boolean): Promise<OrderView & { consigneeRevealed: boolean }> {
    if (reveal && !hasPermission(caller.accountKind ?? 'SUB', caller.permissions ?? [], 'REVEAL_CONSUMER_INFO')) {
      throw new DomainError('PERMISSION_REQUIRED', 403, 'revealing consumer data needs the REVEAL_CONSUMER_INFO permission', { permission: 'REVEAL_CONSUMER_INFO' });
    }
    // The order service answers 404 for another merchant's order.
    const order = await this.services.call<OrderView>('order', 'GET', `/orders/${orderId}`, caller);
    // The LOC sign-up form is the buyer's personal data too: masked, or revealed and logged, with the consignee.
    if (!reveal) return this.masked(order);
    await recordReveal(this.dataSource.manager, { merchantId: caller.merchantId, accountId: caller.accountId, orderId, fields: order.signup ? ['name', 'phone', 'address', 'signup'] : ['name', 'phone', 'address'], at: this.clock.now() });
    return { ...order, consigneeRevealed: true };
  }

  /** The list with every consignee masked (domain.md §1.10, §6.1). */
  async list(query: MerchantOrdersQuery, caller: Principal): Promise<MerchantOrderListView> {
    const page = await this.services.call<MerchantOrderListView>('order', 'GET', `/merchant-orders${forwardedQuery(query)}`, caller);
    return { ...page, items: page.items.map((item) => ({ ...item, consignee: maskConsignee(item.consignee) })) };
  }

  async pause(orderId: string, request: PauseOrderRequest, caller: Principal) {
    return this.masked(await this.services.call<OrderView>('order', 'POST', `/merchant-orders/${orderId}/pause`, caller, request));
  }

  async resume(orderId: string, request: ResumeOrderRequest, caller: Principal) {
    // Issue 12, at the edge: only merchant-owned releases; the order service checks again.
    const owner = pauseReleaseOwner(request.trigger);
    if (!owner) throw new DomainError('UNKNOWN_RELEASE_TRIGGER', 422, `"${request.trigger}" is not a pause release trigger`);
    const check = checkFactOwner(request.trigger, owner, caller);
    if (!check.allowed) throw new DomainError(check.code, 403, check.reason, check.permission ? { permission: check.permission } : {});
    return this.masked(await this.services.call<OrderView>('order', 'POST', `/merchant-orders/${orderId}/resume`, caller, request));
  }

  async changeConsignee(orderId: string, request: ChangeConsigneeRequest, caller: Principal) {
    return this.masked(await this.services.call<OrderView>('order', 'PATCH', `/merchant-orders/${orderId}/consignee`, caller, request));
  }

  async changeFees(orderId: string, request: ChangeFeesRequest, caller: Principal) {
    return this.masked(await this.services.call<OrderView>('order', 'PATCH', `/merchant-orders/${orderId}/fees`, caller, request));
  }

  async redeem(orderId: string, request: RedeemVoucherRequest, caller: Principal) {
    return this.masked(await this.services.call<OrderView>('order', 'POST', `/merchant-orders/${orderId}/redeem`, caller, request));
  }

  private masked(order: OrderView) {
    return { ...order, consignee: maskConsignee(order.consignee), signup: (maskPersonalData({ signup: order.signup }) as Pick<OrderView, 'signup'>).signup, consigneeRevealed: false };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decideMerge, decideOutbound, isPlatformCarrier, ServiceProduct } from '@orderline/logistics/domain';
import { CreateShipmentsRequest } from '@orderline/logistics/contract';
import { ShipmentDispatched } from '@orderline/shared/contracts';
import { TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { awaitCaughtUp, Clock, DomainError, PLATFORM_CLOCK, Principal, readFromOwner, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { LogisticsServiceConfig } from '../logistics-config';
import { PlatformCarrier } from '../infra/platform-carrier';
import { expressContractSigned } from '../infra/express-contract.repository';
import { loadOrders, LogisticsOrderRow, shippableFacts } from '../infra/logistics-order.repository';
import { insertShipmentOrder, liveShipmentOrder } from '../infra/shipment-order.repository';
import { insertShipment, waybillNoInUse } from '../infra/shipment.repository';
import { refreshReceiptTimers } from './receipt-timers';

export interface OrderShipmentResult {
  orderId: string;
  status: 'SHIPPED' | 'REFUSED' | 'NOT_FOUND';
  shipmentId?: string;
  waybillNo?: string;
  code?: string;
  reason?: string;
}

/** Refusals that are about what the merchant typed (422) rather than the order's state (409). */
export const OUTBOUND_INPUT_CODES = new Set(['WAYBILL_NO_REQUIRED', 'WAYBILL_NO_INVALID', 'SERVICE_PRODUCT_PLATFORM_ONLY', 'EXPRESS_NOT_SIGNED', 'EXPRESS_ROUTE_NOT_SUPPORTED', 'PLATFORM_DELIVERY_SPECIFIED']);

class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    readonly notFound = false,
  ) {
    super(reason);
  }
}

/**
 * Outbound (出库, domain.md §2.1, §2.2): one order, a batch where each order succeeds or fails
 * on its own (one transaction per order), or a merged package of merged-shipment candidates
 * (one transaction, all or nothing). Each shipped order gets `ShipmentDispatched` in the
 * transaction that records its shipment; the order service moves it to SHIPPED and credit
 * captures the loan.
 */
@Injectable()
export class ShipOrders {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly platformCarrier: PlatformCarrier,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: LogisticsServiceConfig,
  ) {}

  async execute(request: CreateShipmentsRequest, caller: Principal): Promise<{ results: OrderShipmentResult[]; shipmentId?: string }> {
    const merchantId = caller.merchantId;
    if (caller.role !== 'MERCHANT' || !merchantId) throw new DomainError('FORBIDDEN', 403, 'only merchants ship orders');
    this.checkRequest(request);
    const serviceProduct: ServiceProduct = request.serviceProduct ?? 'STANDARD';
    const signedExpress = await this.signedExpress(merchantId);
    await this.catchUpWithOrderService(request.orderIds, caller);

    if (request.merge) return this.shipMerged(request, merchantId, serviceProduct, signedExpress, caller);

    const results: OrderShipmentResult[] = [];
    for (const orderId of request.orderIds) {
      const waybillNo = request.waybills?.find((w) => w.orderId === orderId)?.waybillNo ?? request.waybillNo;
      try {
        const shipped = await this.unitOfWork.run(async (scope) => {
          const [order] = await this.lockOwnOrders(scope, [orderId], merchantId);
          await this.check(scope, order, request.carrier, serviceProduct, waybillNo, signedExpress);
          return this.record(scope, [order], request, serviceProduct, waybillNo, caller, false);
        });
        results.push({ orderId, status: 'SHIPPED', shipmentId: shipped.shipmentId, waybillNo: shipped.waybillNo });
      } catch (error) {
        results.push(this.refused(orderId, error));
      }
    }
    // One order: the answer is the order's (a refusal is the request's error, with its code).
    if (request.orderIds.length === 1 && results[0].status !== 'SHIPPED') {
      const only = results[0];
      if (only.status === 'NOT_FOUND') throw new DomainError('NOT_FOUND', 404, `order ${only.orderId} was not found`);
      throw new DomainError(only.code!, OUTBOUND_INPUT_CODES.has(only.code!) ? 422 : 409, only.reason!, { orderId: only.orderId });
    }
    return { results };
  }

  private async shipMerged(request: CreateShipmentsRequest, merchantId: string, serviceProduct: ServiceProduct, signedExpress: boolean, caller: Principal) {
    try {
      return await this.unitOfWork.run(async (scope) => {
        const orders = await this.lockOwnOrders(scope, request.orderIds, merchantId);
        const problems: OrderShipmentResult[] = [];
        for (const order of orders) {
          try {
            await this.check(scope, order, request.carrier, serviceProduct, request.waybillNo, signedExpress);
          } catch (error) {
            problems.push(this.refused(order.orderId, error));
          }
        }
        if (problems.length > 0) {
          throw new DomainError('MERGE_NOT_ALLOWED', 409, 'every order of a merged package must be ready to ship; nothing was shipped', { results: problems });
        }
        const merge = decideMerge(
          orders.map((order) => shippableFacts(order, false)),
          request.carrier,
        );
        if (!merge.allowed) throw new DomainError(merge.veto.code, 409, merge.veto.reason);
        const shipped = await this.record(scope, orders, request, serviceProduct, request.waybillNo, caller, true);
        return { shipmentId: shipped.shipmentId, results: orders.map((order) => ({ orderId: order.orderId, status: 'SHIPPED' as const, shipmentId: shipped.shipmentId, waybillNo: shipped.waybillNo })) };
      });
    } catch (error) {
      if (error instanceof Refusal) throw new DomainError(error.notFound ? 'NOT_FOUND' : error.code, error.notFound ? 404 : 409, error.reason);
      throw error;
    }
  }

  /** Request-level rules: wrong for every order alike, so the whole request is refused (422). */
  private checkRequest(request: CreateShipmentsRequest): void {
    const platform = isPlatformCarrier(request.carrier);
    const refuse = (code: string, detail: string, field: string) => {
      throw new DomainError(code, 422, detail, { errors: [{ field, message: detail }] });
    };
    if (platform && (request.waybillNo || request.waybills)) refuse('WAYBILL_NO_GENERATED_BY_PLATFORM', 'the platform carrier generates its waybill numbers; send none', 'waybillNo');
    if (!platform && request.generateWaybillNos) refuse('WAYBILL_GENERATION_PLATFORM_ONLY', 'only the platform carrier JD_LOGISTICS generates waybill numbers; enter the third-party numbers', 'generateWaybillNos');
    if (!platform && request.serviceProduct === 'EXPRESS') refuse('SERVICE_PRODUCT_PLATFORM_ONLY', 'service products are chosen only with the platform carrier JD_LOGISTICS', 'serviceProduct');
    if (request.merge && request.orderIds.length < 2) refuse('MERGE_NEEDS_TWO_ORDERS', 'a merged shipment carries at least two orders', 'orderIds');
    if (!request.merge && (request.packageCount !== undefined || request.declaredValue !== undefined)) refuse('MERGE_FIELDS_WITHOUT_MERGE', 'packageCount and declaredValue describe a merged package (merge: true)', 'merge');
    if (!platform && !request.merge && request.orderIds.length > 1 && request.waybillNo) refuse('WAYBILL_NO_PER_ORDER', 'a batch needs one waybill number per order: use waybills', 'waybills');
    const stray = request.waybills?.find((w) => !request.orderIds.includes(w.orderId));
    if (stray) refuse('WAYBILL_FOR_UNKNOWN_ORDER', `waybills names order ${stray.orderId}, which is not in orderIds`, 'waybills');
  }

  /**
   * Read-your-writes (issue 13 item 3): a merchant who sees an order WAITING_OUTBOUND ships it
   * at once, even when logistics has not yet consumed OrderPlaced / OrderPaid / OrderResumed.
   * When the copy of an order looks unshippable for a reason that events may still change, the
   * order service (the owner of the status) is asked; if it says WAITING_OUTBOUND, the shipment
   * waits for the copy to catch up (events stay the only writer of the copy), and past
   * ORDER_FACTS_CATCH_UP_MS answers 503 + Retry-After — never a spurious 409 / 404.
   */
  private async catchUpWithOrderService(orderIds: string[], caller: Principal): Promise<void> {
    if (!this.config.ORDER_SERVICE_URL) return;
    const lagging = await this.laggingOrders(orderIds);
    if (lagging.length === 0) return;
    const owned = await Promise.all(lagging.map((orderId) => readFromOwner<{ status?: string }>(this.config.ORDER_SERVICE_URL, `/orders/${orderId}`, caller, this.config)));
    const waiting = lagging.filter((_, index) => owned[index]?.status === 'WAITING_OUTBOUND');
    await awaitCaughtUp(waiting, (ids) => this.laggingOrders(ids), this.config.ORDER_FACTS_CATCH_UP_MS);
  }

  /** Orders whose copy is missing, unpaid or paused: facts the order's next events may change. */
  private async laggingOrders(orderIds: string[]): Promise<string[]> {
    const copies = await this.unitOfWork.run((scope) => loadOrders(scope.manager, orderIds));
    return orderIds.filter((orderId) => {
      const copy = copies.find((order) => order.orderId === orderId);
      return !copy || !copy.placed || !copy.paid || copy.pausedReason !== null;
    });
  }

  private async lockOwnOrders(scope: TransactionScope, orderIds: string[], merchantId: string): Promise<LogisticsOrderRow[]> {
    const orders = await loadOrders(scope.manager, orderIds, true);
    for (const orderId of orderIds) {
      const order = orders.find((o) => o.orderId === orderId);
      // Another merchant's order answers exactly like a missing one.
      if (!order || !order.placed || order.merchantId !== merchantId) throw new Refusal('NOT_FOUND', `order ${orderId} was not found`, true);
    }
    return orders;
  }

  private async check(scope: TransactionScope, order: LogisticsOrderRow, carrier: string, serviceProduct: ServiceProduct, waybillNo: string | undefined, signedExpress: boolean): Promise<void> {
    const shipped = (await liveShipmentOrder(scope.manager, order.orderId)) !== undefined;
    const decision = decideOutbound(shippableFacts(order, shipped), { carrier, serviceProduct, waybillNo, merchantSignedExpress: signedExpress, airCities: this.config.airCities });
    if (!decision.allowed) throw new Refusal(decision.veto.code, decision.veto.reason);
    if (waybillNo && !isPlatformCarrier(carrier)) {
      if (await waybillNoInUse(scope.manager, carrier, waybillNo)) throw new Refusal('WAYBILL_NO_IN_USE', `${carrier} waybill ${waybillNo} is already on another shipment`);
    }
  }

  private async record(
    scope: TransactionScope,
    orders: LogisticsOrderRow[],
    request: CreateShipmentsRequest,
    serviceProduct: ServiceProduct,
    enteredWaybillNo: string | undefined,
    caller: Principal,
    merged: boolean,
  ): Promise<{ shipmentId: string; waybillNo: string }> {
    const now = this.clock.now();
    const shipmentId = randomUUID();
    let waybillNo = enteredWaybillNo;
    // The platform carrier adapter numbers its waybills; a third-party number was entered.
    if (isPlatformCarrier(request.carrier)) waybillNo = await this.platformCarrier.nextWaybillNo(scope.manager);
    const declaredValue = merged ? (request.declaredValue ?? orders.reduce((sum, order) => sum + Number(order.payable ?? 0), 0)) : null;
    await insertShipment(scope.manager, {
      id: shipmentId,
      merchantId: orders[0].merchantId!,
      carrier: request.carrier,
      serviceProduct,
      waybillNo: waybillNo!,
      merged,
      packageCount: merged ? (request.packageCount ?? 1) : 1,
      declaredValue,
      crossBorder: orders.some((o) => o.crossBorder),
      outboundAt: now,
      shippedBy: caller.accountId,
    });
    for (const order of orders) {
      const lines = (order.lines ?? []).map((line) => ({ lineId: line.lineId, skuId: line.skuId, title: line.title, quantity: line.quantity }));
      await insertShipmentOrder(scope.manager, shipmentId, order.orderId, lines);
      // The whole order is in the parcel, so no line list: the order service ships it all.
      await scope.publish(ShipmentDispatched, { shipmentId, orderId: order.orderId, carrier: request.carrier, waybillNo: waybillNo! });
    }
    await refreshReceiptTimers(scope.manager, shipmentId, now);
    return { shipmentId, waybillNo: waybillNo! };
  }

  private refused(orderId: string, error: unknown): OrderShipmentResult {
    if (error instanceof Refusal) return error.notFound ? { orderId, status: 'NOT_FOUND' } : { orderId, status: 'REFUSED', code: error.code, reason: error.reason };
    if ((error as { code?: string; driverError?: { code?: string } })?.code === '23505' || (error as { driverError?: { code?: string } })?.driverError?.code === '23505') return { orderId, status: 'REFUSED', code: 'WAYBILL_NO_IN_USE', reason: 'the waybill number is already on another shipment' };
    throw error;
  }

  private async signedExpress(merchantId: string): Promise<boolean> {
    return this.unitOfWork.run((scope) => expressContractSigned(scope.manager, merchantId));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { EventSignupForm, openPersonalData } from '@orderline/shared/contracts';
import { DataSource } from 'typeorm';
import { OrderView } from '@orderline/order/contract';
import { BaseServiceConfig, NotFoundError, personalDataSecret, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { selectEntities, selectEntity } from '@orderline/shared/persistence';
import { OrderLineRecord, OrderRecord, OrderStatusChangeRecord } from '../infra/order.entity';
import { findCancellationRequests } from '../infra/cancellation-request.repository';
import { afterSalesOfOrder, refundsOfOrder } from '../infra/order-after-sales.repository';
import { codReconciliationOf } from '../infra/order-payment.repository';
import { remarksOfOrder } from '../infra/order-remark.repository';
import { StoredKinds } from './order-kind-rules';
import { afterSalesLink, cancellationRequestLink } from './reader-links';
import { compensationsOfOrder } from '../infra/order-compensation.repository';
import { locSignupOf } from '../infra/order-loc-signup.repository';
import { compensationView } from './compensations';
import { HistoryRow } from './order-transitions';

function canSee(order: OrderRecord, caller: Principal): boolean {
  if (caller.role === 'OPERATOR') return true;
  if (caller.role === 'BUYER') return order.buyerId === caller.buyerId;
  return order.merchantId === caller.merchantId;
}

@Injectable()
export class GetOrder {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
  ) {}

  /** The product snapshot of one line, as it was when the order was placed (domain.md §1.1). */
  async lineSnapshot(orderId: string, lineId: string, caller: Principal) {
    const order = await this.dataSource.getRepository(OrderRecord).findOne({ where: { id: orderId } });
    if (!order || !canSee(order, caller)) throw new NotFoundError(`order ${orderId}`);
    const line = await this.dataSource.getRepository(OrderLineRecord).findOne({ where: { id: lineId, orderId } });
    if (!line) throw new NotFoundError(`line ${lineId}`);
    return { orderId, lineId: line.id, skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity, lineTotal: line.lineTotal, discount: line.discount, attributes: line.snapshot?.attributes ?? {}, capturedAt: order.createdAt.toISOString() };
  }

  /**
   * The order as its reader may see it. `justPlaced`: the order was committed a moment ago by
   * the caller's own request, so remarks, refunds, after-sales, cancellation requests,
   * compensations and a COD reconciliation cannot exist yet (each needs the order id, which the
   * caller learns from this answer) and are not read, nor the sign-up form of an order that is
   * not a sign-up: seven statements fewer per order placed (issue 19).
   */
  async execute(orderId: string, caller: Principal, options: { justPlaced?: boolean } = {}): Promise<OrderView> {
    const manager = this.dataSource.manager;
    const order = await selectEntity(manager, OrderRecord, 'id = $1', [orderId]);
    if (!order || !canSee(order, caller)) throw new NotFoundError(`order ${orderId}`);
    const unlessJustPlaced = <T>(read: () => Promise<T>, nothing: T): Promise<T> => (options.justPlaced ? Promise.resolve(nothing) : read());
    const [lines, history, remarks, refunds, reconciliation, afterSales, cancellationRequests, compensations, signup] = await Promise.all([
      selectEntities(manager, OrderLineRecord, 'order_id = $1', [orderId], { orderBy: 'position' }),
      selectEntities(manager, OrderStatusChangeRecord, 'order_id = $1', [orderId], { orderBy: 'id' }),
      // Remarks are the merchant's notes: never shown to the buyer.
      caller.role === 'BUYER' ? Promise.resolve([]) : unlessJustPlaced(() => remarksOfOrder(manager, orderId), []),
      unlessJustPlaced(() => refundsOfOrder(manager, orderId), []),
      unlessJustPlaced(() => codReconciliationOf(manager, orderId), undefined),
      unlessJustPlaced(() => afterSalesOfOrder(manager, orderId), []),
      // canSee above already decided the reader may see this order, so every request of it.
      unlessJustPlaced(() => findCancellationRequests(manager, 'ALL', { orderId }), []),
      unlessJustPlaced(() => compensationsOfOrder(manager, orderId), []),
      // A sign-up form is written with its order only for a sign-up SKU, which marks the order.
      options.justPlaced && !(order.specialAttributes as StoredKinds).localServiceSignup ? Promise.resolve(undefined) : locSignupOf(manager, orderId),
    ]);
    // The gateway masks the form for a merchant like the consignee (domain.md §6.1).
    const form = signup ? openPersonalData<EventSignupForm>(signup.form_sealed, personalDataSecret(this.config)) : undefined;
    return orderView({ order, lines, history, remarks, refunds, reconciliation, afterSales, cancellationRequests, compensations, signup: signup && form ? { row: signup, form } : undefined }, caller);
  }

  /**
   * The answer to the request that placed an order, from what its transaction wrote (the order
   * row as stored, its lines and first history row) instead of reading them back: three
   * statements fewer per order placed (issue 19). Nothing else can exist yet for such an order
   * (see `execute`); an order that moved on or holds a sign-up form inside that transaction is
   * read back.
   */
  async answerToPlacement(placed: PlacedOrder, caller: Principal): Promise<OrderView> {
    if (!placed.written) return this.execute(placed.orderId, caller, { justPlaced: true });
    const { order, lines, history } = placed.written;
    if (!canSee(order, caller)) throw new NotFoundError(`order ${order.id}`);
    return orderView({ order, lines, history, remarks: [], refunds: [], reconciliation: undefined, afterSales: [], cancellationRequests: [], compensations: [], signup: undefined }, caller);
  }
}

/** What placing an order wrote, when the answer can be built from it (see `answerToPlacement`). */
export interface PlacedOrder {
  orderId: string;
  written?: { order: OrderRecord; lines: ReadonlyArray<Omit<OrderLineRecord, 'order'>>; history: readonly HistoryRow[] };
}

interface OrderViewParts {
  order: OrderRecord;
  lines: ReadonlyArray<Omit<OrderLineRecord, 'order'>>;
  history: readonly HistoryRow[];
  remarks: OrderView['remarks'];
  refunds: Awaited<ReturnType<typeof refundsOfOrder>>;
  reconciliation: Awaited<ReturnType<typeof codReconciliationOf>>;
  afterSales: Awaited<ReturnType<typeof afterSalesOfOrder>>;
  cancellationRequests: Awaited<ReturnType<typeof findCancellationRequests>>;
  compensations: Awaited<ReturnType<typeof compensationsOfOrder>>;
  signup: { row: NonNullable<Awaited<ReturnType<typeof locSignupOf>>>; form: EventSignupForm } | undefined;
}

/** The order as `caller` may see it, from its parts: the one shape of `OrderView`. */
function orderView(parts: OrderViewParts, caller: Principal): OrderView {
  const { order, lines, history, remarks, refunds, reconciliation, afterSales, cancellationRequests, compensations } = parts;
  const signup = parts.signup?.row;
  const form = parts.signup?.form;
  const kinds = order.specialAttributes as StoredKinds;
  const voucher = kinds.localServiceVoucher;
  const subscription = kinds.subscription;
  return {
    id: order.id,
    merchantId: order.merchantId,
    buyerId: order.buyerId,
    status: order.status,
    paymentMethod: order.paymentMethod,
    credit: order.creditPlan ? { plan: order.creditPlan, periods: order.creditPeriods, holdId: order.creditHoldId } : null,
    goodsTotal: order.goodsTotal,
    freight: order.freight,
    payable: order.payable,
    discountTotal: order.discountTotal,
    couponCode: order.couponCode,
    cancellation: order.cancelReason ? { reason: order.cancelReason, by: order.cancelledBy ?? 'UNKNOWN' } : null,
    pause: order.pause,
    fulfilment: order.fulfilment,
    consignee: { name: order.consigneeName, phone: order.consigneePhone, address: order.consigneeAddress },
    lines: lines.map((line) => ({ id: line.id, skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity, lineTotal: line.lineTotal, discount: line.discount })),
    history: history.map((change) => ({ from: change.fromStatus, to: change.toStatus, reason: change.reason, actor: change.actor, at: change.at.toISOString() })),
    remarks,
    buyerNote: order.buyerNote,
    kinds: order.kinds,
    serviceFees: order.serviceFees.map((fee) => ({ ...fee, appliesTo: lines.filter((line) => fee.skuIds.includes(line.skuId)).map((line) => ({ skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity })) })),
    promisedShipBy: order.promisedShipBy ? order.promisedShipBy.toISOString() : null,
    // After-sales links (domain.md §1.10): what was refunded, by which request.
    afterSales: afterSales.map((row) => ({ id: row.after_sales_id, type: row.type, status: row.status, lines: row.lines, requestedAt: row.requested_at.toISOString(), link: afterSalesLink(row.after_sales_id, caller) })),
    refundedAmount: order.refundedAmount,
    refunds: refunds.map((row) => ({ refundId: row.refund_id, afterSalesId: row.after_sales_id, amount: Number(row.amount), lines: row.lines, refundedAt: row.refunded_at.toISOString(), link: row.after_sales_id ? afterSalesLink(row.after_sales_id, caller) : null })),
    codReconciliation: reconciliation ? { collectedAmount: Number(reconciliation.collected_amount), settlementReference: reconciliation.settlement_reference, reconciledAt: reconciliation.reconciled_at.toISOString() } : null,
    // The verification code is the buyer's to show in the shop; the merchant only learns whether it was redeemed.
    compensations: compensations.map(compensationView),
    compensatedAmount: compensations.reduce((sum, row) => sum + Number(row.amount), 0),
    signup: signup && form ? { kind: signup.kind, name: form.name, phone: form.phone, idType: form.idType, idNumber: form.idNumber, classDate: signup.class_date, signedUpAt: signup.signed_up_at.toISOString() } : null,
    voucher: voucher ? { ...(caller.role === 'BUYER' && voucher.verificationCode ? { verificationCode: voucher.verificationCode } : {}), redeemedAt: voucher.redeemedAt ?? null } : null,
    subscription: subscription
      ? subscription.role === 'PARENT'
        ? { role: 'PARENT', periods: subscription.periods, intervalDays: subscription.intervalDays, childOrderIds: subscription.childOrderIds }
        : { role: 'CHILD', parentOrderId: subscription.parentOrderId, period: subscription.period, productionDate: subscription.productionDate }
      : null,
    giftForOrderId: kinds.giftShippedLater?.mainOrderId ?? null,
    pauseReleases: order.pauseReleases ?? [],
    shipmentCarrier: order.shipmentCarrier,
    cancellationRequests: cancellationRequests.map((row) => ({ id: row.id, status: row.status, reason: row.document.reason, objectionDeadline: row.document.objectionDeadline, link: cancellationRequestLink(row.id, caller) })),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

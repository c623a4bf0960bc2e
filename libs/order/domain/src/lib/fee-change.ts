import { Fen, multiplyFen, sumFen } from '@orderline/shared/money';
import { PaymentMethod } from '@orderline/shared/platform-rules';
import { OrderStatus } from './order-status';
import { Decision, veto } from '@orderline/shared/process';

/**
 * Changing freight or the service fee of an unpaid order (修改运费/服务费, domain.md §1.7).
 * All amounts are integer fen.
 *
 * Decisions where the spec is silent:
 * - payable = goods total + freight + service fees − deductions (promotions, coupons, points,
 *   balance), floored at zero: deductions larger than the new total are not refunded, they
 *   simply leave nothing to pay (§1.7 "can never go below zero").
 * - A service-fee change names a fee type and its new amount; the SKUs it applies to are
 *   kept from the order's existing fee of that type, or must be given for a new type, and
 *   must be lines of this order. An amount of 0 removes the fee type.
 */

export interface FeeLine {
  skuId: string;
  title: string;
  unitPrice: Fen;
  quantity: number;
}

export interface ServiceFee {
  /** e.g. "INSTALLATION", "DELIVERY_TO_FLOOR": the merchant's delivery-and-install fee types. */
  feeType: string;
  amount: Fen;
  skuIds: readonly string[];
}

export interface Deductions {
  promotions: Fen;
  coupons: Fen;
  points: Fen;
  balance: Fen;
}

export interface FeeChangeOrder {
  status: OrderStatus;
  paymentMethod: PaymentMethod;
  crossBorder: boolean;
  /** Still holds another merchant's goods (multi-merchant order not yet split). */
  containsOtherMerchantsGoods: boolean;
  merchantOffersDeliveryAndInstall: boolean;
  lines: readonly FeeLine[];
  freight: Fen;
  serviceFees: readonly ServiceFee[];
  deductions: Deductions;
}

export interface FeeChangeRequest {
  /** The freight the buyer will pay; 0 = free shipping. */
  freight?: Fen;
  serviceFees?: readonly { feeType: string; amount: Fen; skuIds?: readonly string[] }[];
}

/** A service fee as the order shows it: the SKUs, prices and quantities it applies to. */
export interface ServiceFeeView extends ServiceFee {
  appliesTo: FeeLine[];
}

export interface OrderCharges {
  goodsTotal: Fen;
  freight: Fen;
  serviceFees: ServiceFeeView[];
  serviceFeeTotal: Fen;
  deductionTotal: Fen;
  payable: Fen;
}

/** Recomputes what the buyer still pays (domain.md §1.7): never below zero. */
export function chargesOf(lines: readonly FeeLine[], freight: Fen, serviceFees: readonly ServiceFee[], deductions: Deductions): OrderCharges {
  const goodsTotal = sumFen(lines.map((line) => multiplyFen(line.unitPrice, line.quantity)));
  const serviceFeeTotal = sumFen(serviceFees.map((fee) => fee.amount));
  const deductionTotal = sumFen([deductions.promotions, deductions.coupons, deductions.points, deductions.balance]);
  const gross = sumFen([goodsTotal, freight, serviceFeeTotal]);
  return {
    goodsTotal,
    freight,
    serviceFees: serviceFees.map((fee) => ({ ...fee, appliesTo: lines.filter((line) => fee.skuIds.includes(line.skuId)) })),
    serviceFeeTotal,
    deductionTotal,
    payable: Math.max(0, gross - deductionTotal),
  };
}

function isFenAmount(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function decideFeeChange(order: FeeChangeOrder, request: FeeChangeRequest): Decision<{ charges: OrderCharges; serviceFees: ServiceFee[] }> {
  if (order.status !== 'UNPAID') {
    return veto('FEE_CHANGE_ONLY_WHEN_UNPAID', `freight and service fee can be changed only while the order is UNPAID; this order is ${order.status}`);
  }
  if (order.crossBorder) return veto('FEE_CHANGE_NOT_FOR_CROSS_BORDER', 'freight and service fee of a cross-border order cannot be changed; only domestic online-paid or credit orders can');
  if (order.paymentMethod === 'COD') return veto('FEE_CHANGE_NOT_FOR_COD', 'freight and service fee of a cash-on-delivery order cannot be changed; only online-paid or credit orders can');
  if (order.containsOtherMerchantsGoods) {
    return veto('FEE_CHANGE_ORDER_NOT_SPLIT', "the order still contains another merchant's goods; fees can be changed once it has been split into one order per merchant");
  }
  if (request.freight === undefined && (request.serviceFees === undefined || request.serviceFees.length === 0)) {
    return veto('NO_FEE_CHANGE', 'give a new freight, one or more service fees by fee type, or both');
  }
  if (request.freight !== undefined && !isFenAmount(request.freight)) {
    return veto('INVALID_FEE_AMOUNT', `freight must be a whole, non-negative number of fen (0 = free shipping), got ${String(request.freight)}`);
  }

  const serviceFees = order.serviceFees.map((fee) => ({ ...fee }));
  if (request.serviceFees && request.serviceFees.length > 0) {
    if (!order.merchantOffersDeliveryAndInstall) {
      return veto('SERVICE_FEE_NOT_OFFERED', 'only merchants with delivery-and-install service set a service fee; this merchant can change the freight only');
    }
    const orderSkus = new Set(order.lines.map((line) => line.skuId));
    const seenTypes = new Set<string>();
    for (const change of request.serviceFees) {
      if (seenTypes.has(change.feeType)) return veto('DUPLICATE_SERVICE_FEE_TYPE', `fee type ${change.feeType} is given twice; give each fee type once`);
      seenTypes.add(change.feeType);
      if (!isFenAmount(change.amount)) {
        return veto('INVALID_FEE_AMOUNT', `service fee ${change.feeType} must be a whole, non-negative number of fen, got ${String(change.amount)}`);
      }
      const existing = serviceFees.find((fee) => fee.feeType === change.feeType);
      const skuIds = change.skuIds ?? existing?.skuIds;
      if (!skuIds || skuIds.length === 0) {
        return veto('SERVICE_FEE_SKUS_REQUIRED', `service fee ${change.feeType} is new on this order; give the SKUs of this order it applies to`);
      }
      const foreign = skuIds.filter((sku) => !orderSkus.has(sku));
      if (foreign.length > 0) {
        return veto('SERVICE_FEE_SKU_NOT_ON_ORDER', `service fee ${change.feeType} can apply only to SKUs of this order (${[...orderSkus].join(', ')}); not to ${foreign.join(', ')}`);
      }
      const updated: ServiceFee = { feeType: change.feeType, amount: change.amount, skuIds: [...skuIds] };
      if (existing) serviceFees.splice(serviceFees.indexOf(existing), 1, updated);
      else serviceFees.push(updated);
    }
  }
  const remaining = serviceFees.filter((fee) => fee.amount > 0);
  const freight = request.freight ?? order.freight;
  return { allowed: true, charges: chargesOf(order.lines, freight, remaining, order.deductions), serviceFees: remaining };
}

import { OrderStatus } from './order-status';
import { Decision, veto } from '@orderline/shared/process';

/**
 * Late-shipping reports (延迟发货报备, domain.md §1.8): a merchant who knows an order will ship
 * late reports it in advance, per order, possibly for a batch of orders at once. `now` is a
 * Date on the platform clock.
 *
 * Decisions where the spec is silent:
 * - "in advance" = strictly before the promised deadline; once it has passed the order is
 *   late and a report no longer helps.
 * - Only orders waiting for outbound (WAITING_OUTBOUND or PAUSED) can be reported, at most
 *   once each, with a new ship-by strictly after the promised one and a non-empty reason.
 * - A report does not move the warning/time-out tracking (that stays against the promised
 *   deadline); it decides whether late shipping is covered (`lateShipmentCoverage`).
 */

export interface LateShippingReport {
  orderId: string;
  reason: string;
  newShipBy: Date;
  reportedAt: Date;
}

export interface LateShippingReportOrder {
  orderId: string;
  status: OrderStatus;
  /** Null while the order has never been shippable (it has no promise yet). */
  promisedShipBy: Date | null;
  alreadyReported: boolean;
}

export interface LateShippingReportRequest {
  reason: string;
  newShipBy: Date;
}

const REPORTABLE: readonly OrderStatus[] = ['WAITING_OUTBOUND', 'PAUSED'];

export function decideLateShippingReport(order: LateShippingReportOrder, request: LateShippingReportRequest, now: Date): Decision<{ report: LateShippingReport }> {
  if (!order.promisedShipBy) return veto('LATE_SHIPPING_REPORT_NOT_WAITING', 'the order has not become shippable yet');
  if (!REPORTABLE.includes(order.status)) {
    return veto('LATE_SHIPPING_REPORT_NOT_WAITING', `only orders waiting for outbound (${REPORTABLE.join(' or ')}) can be reported for late shipping; this order is ${order.status}`);
  }
  if (order.alreadyReported) return veto('LATE_SHIPPING_ALREADY_REPORTED', 'this order has already been reported for late shipping; each order can be reported once');
  if (now.getTime() >= order.promisedShipBy.getTime()) {
    return veto('LATE_SHIPPING_REPORT_TOO_LATE', `late shipping must be reported before the promised deadline ${order.promisedShipBy.toISOString()}, which has passed`);
  }
  if (request.newShipBy.getTime() <= order.promisedShipBy.getTime()) {
    return veto('LATE_SHIPPING_NEW_DATE_NOT_LATER', `the new ship-by date must be after the promised deadline ${order.promisedShipBy.toISOString()}`);
  }
  if (request.reason.trim() === '') return veto('LATE_SHIPPING_REASON_REQUIRED', 'a late-shipping report needs a reason');
  return { allowed: true, report: { orderId: order.orderId, reason: request.reason.trim(), newShipBy: request.newShipBy, reportedAt: now } };
}

/** One order of a batch report: NOT_FOUND when the merchant has no such order, else its decision. */
export type LateShippingBatchResult = { orderId: string; found: false } | { orderId: string; found: true; decision: Decision<{ report: LateShippingReport }> };

/**
 * A batch report (domain.md §1.8): each order given is decided on its own, in the order given;
 * an order given twice is refused the second time.
 */
export function decideLateShippingReports(
  orderIds: readonly string[],
  known: ReadonlyMap<string, LateShippingReportOrder>,
  request: LateShippingReportRequest,
  now: Date,
): LateShippingBatchResult[] {
  const seen = new Set<string>();
  return orderIds.map((orderId): LateShippingBatchResult => {
    const order = known.get(orderId);
    if (!order) return { orderId, found: false };
    const decision = seen.has(orderId)
      ? veto('LATE_SHIPPING_ALREADY_REPORTED', 'this order appears twice in the batch; each order can be reported once')
      : decideLateShippingReport(order, request, now);
    seen.add(orderId);
    return { orderId, found: true, decision };
  });
}

/** ON_TIME by the promise (inclusive), REPORTED when a report covers it (inclusive), else LATE. */
export type LateShipmentCoverage = 'ON_TIME' | 'COVERED_BY_REPORT' | 'LATE';

export function lateShipmentCoverage(promisedShipBy: Date, report: LateShippingReport | undefined, shippedAt: Date): LateShipmentCoverage {
  if (shippedAt.getTime() <= promisedShipBy.getTime()) return 'ON_TIME';
  if (report && shippedAt.getTime() <= report.newShipBy.getTime()) return 'COVERED_BY_REPORT';
  return 'LATE';
}

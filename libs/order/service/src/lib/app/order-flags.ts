import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decideLateShippingReport } from '@orderline/order/domain';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { assertFactOwner } from './fact-owner-check';

/** domain.md §1.8: the promised shipping time, counted from when the order could first ship. */
export const SHIPPING_PROMISE_MS = 48 * 3_600_000;

/** Risk flags (operators) and late-shipping reports (merchants, per order, in batches). */
@Injectable()
export class OrderFlags {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  async setRiskFlag(orderId: string, flagged: boolean, reason: string | undefined, caller: Principal): Promise<{ orderId: string; riskFlag: boolean; riskReason: string | null }> {
    assertFactOwner('FLAG_RISK', caller);
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators flag orders as risky');
    const result = await this.dataSource.query(`UPDATE customer_order SET risk_flag = $2, risk_reason = $3 WHERE id = $1 RETURNING id`, [orderId, flagged, flagged ? (reason ?? null) : null]);
    const rows = Array.isArray(result[0]) ? result[0] : result;
    if (rows.length === 0) throw new NotFoundError(`order ${orderId}`);
    return { orderId, riskFlag: flagged, riskReason: flagged ? (reason ?? null) : null };
  }

  async reportLateShipping(orderIds: string[], newShipBy: string, reason: string, caller: Principal) {
    assertFactOwner('REPORT_LATE_SHIPPING', caller);
    if (caller.role !== 'MERCHANT') throw new NotFoundError('orders');
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ id: string; status: string; ready_at: Date | null; reported: boolean }> = await manager.query(
        `SELECT o.id, o.status,
                (SELECT min(h.at) FROM order_status_history h WHERE h.order_id = o.id AND h.to_status = 'WAITING_OUTBOUND') AS ready_at,
                EXISTS (SELECT 1 FROM late_shipping_report r WHERE r.order_id = o.id) AS reported
         FROM customer_order o WHERE o.merchant_id = $1 AND o.id = ANY($2::uuid[]) FOR UPDATE`,
        [caller.merchantId, orderIds],
      );
      const known = new Map(rows.map((row) => [row.id, row]));
      const request = { reason, newShipBy: new Date(newShipBy) };
      const seen = new Set<string>();
      const results = [];
      // Each order answers on its own, in the order given (a batch report, domain.md §1.8).
      for (const orderId of orderIds) {
        const row = known.get(orderId);
        if (!row) {
          results.push({ orderId, result: 'NOT_FOUND' });
          continue;
        }
        const decision = seen.has(orderId)
          ? { allowed: false as const, veto: { code: 'LATE_SHIPPING_ALREADY_REPORTED', reason: 'this order appears twice in the batch; each order can be reported once' } }
          : !row.ready_at
            ? { allowed: false as const, veto: { code: 'LATE_SHIPPING_REPORT_NOT_WAITING', reason: 'the order has not become shippable yet' } }
            : decideLateShippingReport({ orderId, status: row.status as never, promisedShipBy: new Date(row.ready_at.getTime() + SHIPPING_PROMISE_MS), alreadyReported: row.reported }, request, now);
        seen.add(orderId);
        if (!decision.allowed) {
          results.push({ orderId, result: 'REFUSED', code: decision.veto.code, reason: decision.veto.reason });
          continue;
        }
        await manager.query(`INSERT INTO late_shipping_report (order_id, merchant_id, reason, new_ship_by, reported_at) VALUES ($1, $2, $3, $4, $5)`, [
          orderId,
          caller.merchantId,
          decision.report.reason,
          decision.report.newShipBy,
          decision.report.reportedAt,
        ]);
        results.push({ orderId, result: 'REPORTED' });
      }
      return results;
    });
  }
}

import { EntityManager } from 'typeorm';

/** Late-shipping reports (`late_shipping_report`, domain.md §1.8), one per order. */

export interface LateShippingCandidateRow {
  id: string;
  status: string;
  /** When the order first became shippable (its first move to WAITING_OUTBOUND), if ever. */
  ready_at: Date | null;
  reported: boolean;
}

/** The merchant's orders among `orderIds`, locked, with what a report decision needs. */
export async function lockLateShippingCandidates(manager: EntityManager, merchantId: string | undefined, orderIds: string[]): Promise<LateShippingCandidateRow[]> {
  return manager.query(
    `SELECT o.id, o.status,
            (SELECT min(h.at) FROM order_status_history h WHERE h.order_id = o.id AND h.to_status = 'WAITING_OUTBOUND') AS ready_at,
            EXISTS (SELECT 1 FROM late_shipping_report r WHERE r.order_id = o.id) AS reported
     FROM customer_order o WHERE o.merchant_id = $1 AND o.id = ANY($2::uuid[]) FOR UPDATE`,
    [merchantId ?? null, orderIds],
  );
}

export async function recordLateShippingReport(manager: EntityManager, merchantId: string | undefined, report: { orderId: string; reason: string; newShipBy: Date; reportedAt: Date }): Promise<void> {
  await manager.query(`INSERT INTO late_shipping_report (order_id, merchant_id, reason, new_ship_by, reported_at) VALUES ($1, $2, $3, $4, $5)`, [
    report.orderId,
    merchantId ?? null,
    report.reason,
    report.newShipBy,
    report.reportedAt,
  ]);
}

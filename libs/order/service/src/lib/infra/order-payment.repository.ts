import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';

/**
 * Money an order received (domain.md §1.2): online payments the provider confirmed
 * (`order_payment`) and the cash a courier collected for a COD order, as finance reconciled it
 * (`cod_reconciliation`).
 */

export async function recordOnlinePayment(manager: EntityManager, payment: { orderId: string; amount: number; provider: string; providerReference: string; paidAt: Date }): Promise<void> {
  await manager.query(`INSERT INTO order_payment (id, order_id, amount, provider, provider_reference, paid_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
    randomUUID(),
    payment.orderId,
    payment.amount,
    payment.provider,
    payment.providerReference,
    payment.paidAt,
  ]);
}

export async function recordCodReconciliation(
  manager: EntityManager,
  reconciliation: { orderId: string; collectedAmount: number; settlementReference: string; reconciledBy: string; reconciledAt: Date },
): Promise<void> {
  await manager.query(`INSERT INTO cod_reconciliation (order_id, collected_amount, settlement_reference, reconciled_by, reconciled_at) VALUES ($1, $2, $3, $4, $5)`, [
    reconciliation.orderId,
    reconciliation.collectedAmount,
    reconciliation.settlementReference,
    reconciliation.reconciledBy,
    reconciliation.reconciledAt,
  ]);
}

export async function codReconciliationOf(manager: EntityManager, orderId: string): Promise<{ collected_amount: string | number; settlement_reference: string; reconciled_at: Date } | undefined> {
  const [row] = await manager.query(`SELECT collected_amount, settlement_reference, reconciled_at FROM cod_reconciliation WHERE order_id = $1`, [orderId]);
  return row;
}

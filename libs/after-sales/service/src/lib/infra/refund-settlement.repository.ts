import { EntityManager } from 'typeorm';
import { GrantedRefund } from '@orderline/shared/contracts';
import { PaymentMethod } from '@orderline/shared/platform-rules';

/** A settlement moves money back the way the order was paid. */
export type SettlementMethod = PaymentMethod;

/** A settlement row as the read side shows it (`refund_settlement`: one money movement of a refund). */
export type SettlementRow = Record<string, any>;

/** A PENDING settlement due for an attempt, with the order its refund belongs to. */
export interface DueSettlement {
  id: string;
  refund_id: string;
  order_id: string;
  method: SettlementMethod;
  amount: string;
  idempotency_key: string;
  attempts: number;
}

/** A new settlement, PENDING, due at once; its idempotency key is what the provider dedupes by. */
export async function insertPendingSettlement(manager: EntityManager, settlement: { id: string; refundId: string; method: SettlementMethod; amount: number; idempotencyKey: string; at: Date }): Promise<void> {
  await manager.query(
    `INSERT INTO refund_settlement (id, refund_id, method, amount, idempotency_key, status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $6)`,
    [settlement.id, settlement.refundId, settlement.method, settlement.amount, settlement.idempotencyKey, settlement.at],
  );
}

/** Up to 20 PENDING settlements due now, oldest due first (read outside a transaction: the call to the provider is slow). */
export async function dueSettlements(manager: EntityManager, now: Date): Promise<DueSettlement[]> {
  return manager.query(
    `SELECT s.id, s.refund_id, r.order_id, s.method, s.amount, s.idempotency_key, s.attempts
         FROM refund_settlement s JOIN refund r ON r.id = s.refund_id
        WHERE s.status = 'PENDING' AND s.next_attempt_at <= $1 ORDER BY s.next_attempt_at LIMIT 20`,
    [now],
  );
}

/** Locks a settlement and answers its status (another instance may have settled it meanwhile). */
export async function lockSettlementStatus(manager: EntityManager, settlementId: string): Promise<string | undefined> {
  const [current] = await manager.query(`SELECT status FROM refund_settlement WHERE id = $1 FOR UPDATE`, [settlementId]);
  return current?.status;
}

export async function markSettlementSettled(manager: EntityManager, settlementId: string, provider: string, reference: string, at: Date): Promise<void> {
  await manager.query(`UPDATE refund_settlement SET status = 'SETTLED', attempts = attempts + 1, provider = $2, provider_reference = $3, settled_at = $4 WHERE id = $1`, [settlementId, provider, reference, at]);
}

/** A failed attempt: counted, its error kept, the next one later (only while still PENDING). */
export async function postponeSettlement(manager: EntityManager, settlementId: string, error: string, nextAttemptAt: Date): Promise<void> {
  await manager.query(`UPDATE refund_settlement SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1 AND status = 'PENDING'`, [settlementId, error, nextAttemptAt]);
}

/** A refund's settlements, oldest first. */
export async function settlementsOfRefund(
  manager: EntityManager,
  refundId: string,
): Promise<Array<{ method: SettlementMethod; amount: string; idempotency_key: string; status: string; provider_reference: string | null }>> {
  return manager.query(`SELECT method, amount, idempotency_key, status, provider_reference FROM refund_settlement WHERE refund_id = $1 ORDER BY created_at, id`, [refundId]);
}

export async function settlementsOfRefunds(manager: EntityManager, refundIds: string[]): Promise<SettlementRow[]> {
  return manager.query(`SELECT * FROM refund_settlement WHERE refund_id = ANY($1::uuid[]) ORDER BY created_at, id`, [refundIds]);
}

/**
 * The CREDIT settlement of a refund as credit-billing's offset left it (issue 13 item 4).
 * Each change is conditional on the current status, so a redelivered or reordered outcome
 * never moves a settlement backwards (an ESCALATED one stays with the operator).
 */
export async function markCreditOffsetFailed(manager: EntityManager, refundId: string, reason: string, detail: string, at: Date): Promise<boolean> {
  // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
  const [rows] = await manager.query(
    // attempts counts the offsets credit-billing tried: a repeated refusal is a retry that failed.
    `UPDATE refund_settlement SET attempts = attempts + CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END, status = 'FAILED', failure_reason = $2, last_error = $3, failed_at = $4
      WHERE refund_id = $1 AND method = 'CREDIT' AND status IN ('SETTLED', 'FAILED') RETURNING id`,
    [refundId, reason, detail, at],
  );
  return rows.length > 0;
}

/** A retried offset that credit-billing applied: the settlement is SETTLED again, the failure kept in last_error. */
export async function markCreditOffsetApplied(manager: EntityManager, refundId: string, at: Date): Promise<boolean> {
  const [rows] = await manager.query(
    `UPDATE refund_settlement SET attempts = attempts + 1, status = 'SETTLED', failure_reason = NULL, settled_at = $2
      WHERE refund_id = $1 AND method = 'CREDIT' AND status IN ('FAILED', 'ESCALATED') RETURNING id`,
    [refundId, at],
  );
  return rows.length > 0;
}

export interface CreditSettlementRow {
  refund_id: string;
  status: string;
}

export async function creditSettlementOf(manager: EntityManager, refundId: string, lock = false): Promise<CreditSettlementRow | undefined> {
  const [row] = await manager.query(`SELECT refund_id, status FROM refund_settlement WHERE refund_id = $1 AND method = 'CREDIT' ${lock ? 'FOR UPDATE' : ''}`, [refundId]);
  return row;
}

export async function markCreditOffsetEscalated(manager: EntityManager, refundId: string, note: string, at: Date): Promise<void> {
  await manager.query(`UPDATE refund_settlement SET status = 'ESCALATED', escalated_at = $2, escalation_note = $3 WHERE refund_id = $1 AND method = 'CREDIT'`, [refundId, at, note]);
}

/** credit-billing answered the offset of this refund (applied or refused): credit reads need not ask for it any more. */
export async function markCreditOffsetAnswered(manager: EntityManager, refundId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE refund_settlement SET offset_answered_at = $2 WHERE refund_id = $1 AND method = 'CREDIT' AND offset_answered_at IS NULL`, [refundId, at]);
}

/**
 * A buyer's completed CREDIT refunds whose offset credit-billing has not answered yet: the
 * latest 100 (a read right after a refund needs the newest; an offset that releases a hold
 * before capture publishes no outcome, so a few old rows may stay unanswered for ever), in the
 * order they completed — the order their events carry.
 */
export async function creditRefundsAwaitingOffset(manager: EntityManager, buyerId: string): Promise<GrantedRefund[]> {
  const rows: Array<{ id: string; order_id: string; buyer_id: string; amount: string }> = await manager.query(
    `SELECT * FROM (
       SELECT r.id, r.order_id, r.buyer_id, r.amount, r.completed_at FROM refund r JOIN refund_settlement s ON s.refund_id = r.id AND s.method = 'CREDIT' AND s.offset_answered_at IS NULL
        WHERE r.buyer_id = $1 AND r.status = 'COMPLETED' ORDER BY r.completed_at DESC, r.id DESC LIMIT 100
     ) latest ORDER BY completed_at, id`,
    [buyerId],
  );
  return rows.map((row) => ({ refundId: row.id, orderId: row.order_id, buyerId: row.buyer_id, paymentMethod: 'CREDIT', amount: Number(row.amount) }));
}

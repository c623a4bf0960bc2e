import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { prepared } from '@orderline/shared/persistence';

/** A refund as credit-billing received it (`credit_refund`). */
export interface RefundOffsetRow {
  refund_id: string;
  order_id: string;
  credit_account_id: string;
  amount: string;
  /** PARKED, HOLD_RELEASED, APPLIED, DUPLICATE or REJECTED. */
  status: string;
  document: Record<string, unknown> | null;
}

/** What an offset did to a refund: its status and, once it acted, the document of what it did. */
export interface RefundMark {
  status: 'PARKED' | 'HOLD_RELEASED' | 'APPLIED' | 'DUPLICATE' | 'REJECTED';
  document: Record<string, unknown> | null;
}

/**
 * The `credit_refund` rows: every `RefundCompleted` of a credit order, once per refund id
 * (domain.md §4.5 rule 7), with what its offset did.
 */
@Injectable()
export class RefundOffsetRepository {
  /**
   * Records a refund received now with what its offset did (a PARKED refund has not acted yet,
   * so it has no document and no applied_at); false, and nothing written, when the refund id
   * was received before.
   */
  async recordReceived(manager: EntityManager, refund: { refundId: string; orderId: string; accountId: string; amount: number; at: Date } & RefundMark): Promise<boolean> {
    const recorded = await manager.query(
      prepared(
        `INSERT INTO credit_refund (refund_id, order_id, credit_account_id, amount, status, document, received_at, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING refund_id`,
      ),
      [refund.refundId, refund.orderId, refund.accountId, refund.amount, refund.status, documentOf(refund), refund.at, refund.status === 'PARKED' ? null : refund.at],
    );
    return recorded.length > 0;
  }

  /** Which of these refund ids were received already. */
  async receivedOf(manager: EntityManager, refundIds: readonly string[]): Promise<Set<string>> {
    const recorded: Array<{ refund_id: string }> = await manager.query(prepared(`SELECT refund_id FROM credit_refund WHERE refund_id = ANY($1::text[])`), [refundIds]);
    return new Set(recorded.map((row) => row.refund_id));
  }

  /** Refunds parked for an order, in arrival order. */
  async parkedOf(manager: EntityManager, orderId: string): Promise<Array<Pick<RefundOffsetRow, 'refund_id' | 'order_id' | 'amount'>>> {
    return manager.query(prepared(`SELECT refund_id, order_id, amount FROM credit_refund WHERE order_id = $1 AND status = 'PARKED' ORDER BY received_at, refund_id`), [orderId]);
  }

  /** A refund locked for a retry of its offset. */
  async lock(manager: EntityManager, refundId: string): Promise<RefundOffsetRow | undefined> {
    const [row] = await manager.query(prepared(`SELECT refund_id, order_id, credit_account_id, amount, status, document FROM credit_refund WHERE refund_id = $1 FOR UPDATE`), [refundId]);
    return row;
  }

  async mark(manager: EntityManager, refundId: string, status: string, document: unknown, at: Date): Promise<void> {
    await manager.query(prepared(`UPDATE credit_refund SET status = $2, document = $3, applied_at = $4 WHERE refund_id = $1`), [refundId, status, documentOf({ document }), at]);
  }
}

/** The jsonb parameter of a refund's document (SQL NULL for none). */
function documentOf({ document }: { document: unknown }): string | null {
  return document === null ? null : JSON.stringify(document);
}

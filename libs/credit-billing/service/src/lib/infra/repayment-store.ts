import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export type RepaymentStatus = 'INITIATED' | 'CREDITED' | 'DECLINED';

/** How a credited repayment was allocated (domain.md §4.4); stored as the row's document. */
export interface RepaymentAllocationDocument {
  principalRepaid: number;
  feePaid: number;
  lateFeePaid: number;
  toBalance: number;
  portions: Array<{ loanId: string; periodIndex: number; principal: number; fee: number; lateFee: number }>;
}

export interface RepaymentRow {
  id: string;
  creditAccountId: string;
  amount: number;
  status: RepaymentStatus;
  preferredLoanId: string | null;
  provider: string | null;
  providerReference: string | null;
  initiatedAt: Date;
  receivedAt: Date | null;
  allocation: RepaymentAllocationDocument | null;
}

function toRow(raw: Record<string, unknown>): RepaymentRow {
  return {
    id: raw.id as string,
    creditAccountId: raw.credit_account_id as string,
    amount: Number(raw.amount),
    status: raw.status as RepaymentStatus,
    preferredLoanId: (raw.preferred_loan_id as string | null) ?? null,
    provider: (raw.provider as string | null) ?? null,
    providerReference: (raw.provider_reference as string | null) ?? null,
    initiatedAt: raw.initiated_at as Date,
    receivedAt: (raw.received_at as Date | null) ?? null,
    allocation: (raw.document as RepaymentAllocationDocument | null) ?? null,
  };
}

const COLUMNS = 'id, credit_account_id, amount, status, preferred_loan_id, provider, provider_reference, initiated_at, received_at, document';

/** The `repayment` rows: initiated through the payment port, credited once confirmed. */
@Injectable()
export class RepaymentStore {
  async find(manager: EntityManager, id: string, lock = false): Promise<RepaymentRow | null> {
    const [raw] = await manager.query(`SELECT ${COLUMNS} FROM repayment WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return raw ? toRow(raw) : null;
  }

  /** Money already on its way: repayments initiated and not yet confirmed or declined. */
  async pendingAmountOf(manager: EntityManager, accountId: string): Promise<number> {
    const [row] = await manager.query(`SELECT COALESCE(sum(amount), 0)::text AS pending FROM repayment WHERE credit_account_id = $1 AND status = 'INITIATED'`, [accountId]);
    return Number(row.pending);
  }

  async insertInitiated(manager: EntityManager, row: { id: string; creditAccountId: string; amount: number; preferredLoanId?: string; at: Date }): Promise<void> {
    await manager.query(`INSERT INTO repayment (id, credit_account_id, amount, status, preferred_loan_id, initiated_at) VALUES ($1, $2, $3, 'INITIATED', $4, $5)`, [
      row.id,
      row.creditAccountId,
      row.amount,
      row.preferredLoanId ?? null,
      row.at,
    ]);
  }

  async recordProvider(manager: EntityManager, id: string, provider: string, reference: string): Promise<void> {
    await manager.query(`UPDATE repayment SET provider = $2, provider_reference = $3 WHERE id = $1`, [id, provider, reference]);
  }

  async markDeclined(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE repayment SET status = 'DECLINED' WHERE id = $1`, [id]);
  }

  async markCredited(manager: EntityManager, id: string, allocation: RepaymentAllocationDocument, at: Date): Promise<void> {
    await manager.query(`UPDATE repayment SET status = 'CREDITED', principal_repaid = $2, to_balance = $3, document = $4, received_at = $5 WHERE id = $1`, [
      id,
      allocation.principalRepaid,
      allocation.toBalance,
      JSON.stringify(allocation),
      at,
    ]);
  }
}

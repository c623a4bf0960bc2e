import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CreditProduct, Loan, outstandingPrincipalOf, Posting, Statement, StatementCredit } from '@orderline/credit-billing/domain';
import { DomainError } from '@orderline/shared/service-kit';
import { CreditAccountRecord } from './credit.entity';

/** The lock key of a buyer's credit account: batches lock their accounts in this order first. */
export function accountLockKey(buyerId: string): string {
  return `credit-account:${buyerId}`;
}

export interface RefundOffsetRow {
  refund_id: string;
  order_id: string;
  credit_account_id: string;
  amount: string;
  /** PARKED, HOLD_RELEASED, APPLIED, DUPLICATE or REJECTED. */
  status: string;
  document: Record<string, unknown> | null;
}

/**
 * Reads and writes the credit book inside a use case's transaction: the account row (locked
 * first, so one account's movements are serialised), its loans as domain documents, ledger
 * postings (append-only, unique keys), statement credits, products.
 */
@Injectable()
export class CreditBook {
  async lockAccountOfBuyer(manager: EntityManager, buyerId: string): Promise<CreditAccountRecord | null> {
    return manager.getRepository(CreditAccountRecord).findOne({ where: { buyerId }, lock: { mode: 'pessimistic_write' } });
  }

  async lockAccount(manager: EntityManager, accountId: string): Promise<CreditAccountRecord | null> {
    return manager.getRepository(CreditAccountRecord).findOne({ where: { id: accountId }, lock: { mode: 'pessimistic_write' } });
  }

  async openLoans(manager: EntityManager, accountId: string): Promise<Loan[]> {
    const rows: Array<{ document: Loan }> = await manager.query(`SELECT document FROM loan WHERE credit_account_id = $1 AND NOT settled ORDER BY booked_at, id`, [accountId]);
    return rows.map((row) => row.document);
  }

  async loanOfOrder(manager: EntityManager, orderId: string): Promise<Loan | null> {
    const [row] = await manager.query(`SELECT document FROM loan WHERE order_id = $1`, [orderId]);
    return row ? (row.document as Loan) : null;
  }

  async insertLoan(manager: EntityManager, accountId: string, holdId: string, loan: Loan, settled: boolean, at: Date): Promise<void> {
    await manager.query(`INSERT INTO loan (id, credit_account_id, order_id, hold_id, settled, document, booked_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, [
      loan.loanId,
      accountId,
      loan.orderId,
      holdId,
      settled,
      JSON.stringify(loan),
      at,
    ]);
  }

  async saveLoans(manager: EntityManager, loans: readonly Loan[], settled: (loan: Loan) => boolean, at: Date): Promise<void> {
    for (const loan of loans) {
      await manager.query(`UPDATE loan SET document = $2, settled = $3, updated_at = $4 WHERE id = $1`, [loan.loanId, JSON.stringify(loan), settled(loan), at]);
    }
  }

  /** Outstanding principal of the account after a movement: the sum over its open loans. */
  async refreshOutstanding(manager: EntityManager, account: CreditAccountRecord, changedLoans: readonly Loan[]): Promise<number> {
    const changed = new Map(changedLoans.map((loan) => [loan.loanId, loan]));
    const loans = (await this.openLoans(manager, account.id)).map((loan) => changed.get(loan.loanId) ?? loan);
    for (const loan of changedLoans) if (!loans.some((l) => l.loanId === loan.loanId)) loans.push(loan);
    return loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0);
  }

  async post(manager: EntityManager, postings: readonly Posting[], at: Date): Promise<void> {
    for (const posting of postings) {
      await manager.query(
        `INSERT INTO ledger_posting (credit_account_id, posting_key, kind, loan_id, pending, entries, posted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (posting_key) DO NOTHING`,
        [posting.accountId, posting.postingKey, posting.kind, posting.loanId ?? null, posting.pending, JSON.stringify(posting.entries), at],
      );
    }
  }

  async postings(manager: EntityManager, accountId: string): Promise<Posting[]> {
    const rows = await manager.query(`SELECT posting_key, kind, credit_account_id, loan_id, pending, entries FROM ledger_posting WHERE credit_account_id = $1 ORDER BY id`, [accountId]);
    return rows.map((row: Record<string, unknown>) => ({
      postingKey: row.posting_key as string,
      kind: row.kind as Posting['kind'],
      accountId: row.credit_account_id as string,
      ...(row.loan_id ? { loanId: row.loan_id as string } : {}),
      pending: row.pending as boolean,
      entries: row.entries as Posting['entries'],
    }));
  }

  async addStatementCredits(manager: EntityManager, accountId: string, credits: readonly StatementCredit[]): Promise<void> {
    for (const credit of credits) await manager.query(`INSERT INTO statement_credit (credit_account_id, document) VALUES ($1, $2)`, [accountId, JSON.stringify(credit)]);
  }

  /** A refund as credit-billing received it (credit_refund), locked for a retry of its offset. */
  async lockRefundOffset(manager: EntityManager, refundId: string): Promise<RefundOffsetRow | undefined> {
    const [row] = await manager.query(`SELECT refund_id, order_id, credit_account_id, amount, status, document FROM credit_refund WHERE refund_id = $1 FOR UPDATE`, [refundId]);
    return row;
  }

  /** An issued statement: an immutable document (domain.md §4.4). */
  async insertStatement(manager: EntityManager, input: { id: string; accountId: string; statement: Statement; issuedAt: Date }): Promise<void> {
    const { statement } = input;
    await manager.query(
      `INSERT INTO credit_statement (id, credit_account_id, statement_date, due_date, amount_due, sent_to_buyer, document, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [input.id, input.accountId, statement.statementDate, statement.dueDate, statement.amountDue, statement.sentToBuyer, JSON.stringify(statement), input.issuedAt],
    );
  }

  async attachStatementCredits(manager: EntityManager, creditIds: readonly string[], statementId: string): Promise<void> {
    await manager.query(`UPDATE statement_credit SET statement_id = $2 WHERE id = ANY($1::bigint[])`, [creditIds, statementId]);
  }

  async pendingStatementCredits(manager: EntityManager, accountId: string): Promise<Array<{ id: string; credit: StatementCredit }>> {
    const rows = await manager.query(`SELECT id, document FROM statement_credit WHERE credit_account_id = $1 AND statement_id IS NULL ORDER BY id`, [accountId]);
    return rows.map((row: { id: string; document: StatementCredit }) => ({ id: row.id, credit: row.document }));
  }

  async product(manager: EntityManager, code: string): Promise<CreditProduct> {
    const [row] = await manager.query(`SELECT definition FROM credit_product WHERE code = $1`, [code]);
    if (!row) throw new DomainError('UNKNOWN_CREDIT_PRODUCT', 422, `no credit product ${code}`);
    return row.definition as CreditProduct;
  }

  async defaultProduct(manager: EntityManager, planType: string): Promise<CreditProduct | null> {
    const [row] = await manager.query(`SELECT definition FROM credit_product WHERE plan_type = $1 AND is_default`, [planType]);
    return row ? (row.definition as CreditProduct) : null;
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountChange, AccountHold, CalendarDate, changedLoansOf, CreditAccount, isLoanSettled, Loan, Posting, Statement, StatementCredit } from '@orderline/credit-billing/domain';
import { TimerFailures } from '@orderline/shared/messaging';
import { insertEntities, selectEntity } from '@orderline/shared/persistence';
import { CreditAccountRecord, CreditHoldRecord } from './credit.entity';

/** The lock key of a buyer's credit account: batches lock their accounts in this order first. */
export function accountLockKey(buyerId: string): string {
  return `credit-account:${buyerId}`;
}

/**
 * Reads and writes the credit book inside a use case's transaction: the account row (locked
 * first, so one account's movements are serialised), its loans as domain documents, ledger
 * postings (append-only, unique keys), statement credits, products.
 */
@Injectable()
export class CreditAccountRepository {
  async lockAccountOfBuyer(manager: EntityManager, buyerId: string): Promise<CreditAccountRecord | null> {
    return selectEntity(manager, CreditAccountRecord, 'buyer_id = $1', [buyerId], { forUpdate: true });
  }

  async lockAccount(manager: EntityManager, accountId: string): Promise<CreditAccountRecord | null> {
    return selectEntity(manager, CreditAccountRecord, 'id = $1', [accountId], { forUpdate: true });
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

  // --- the aggregate: load and save ---------------------------------------------------

  /**
   * The credit account aggregate as one command needs it: `orderId` loads that order's hold,
   * `loans` the open loans (plus the order's loan, settled or not) and the pending statement
   * credits. The account row must already be locked by the caller.
   */
  async load(manager: EntityManager, record: CreditAccountRecord, scope: { orderId?: string; loans?: boolean } = {}): Promise<CreditAccount> {
    const holdRecord = scope.orderId ? await selectEntity(manager, CreditHoldRecord, 'order_id = $1', [scope.orderId]) : null;
    let loans: Loan[] = [];
    let pendingCredits: Array<{ id: string; credit: StatementCredit }> = [];
    if (scope.loans) {
      loans = await this.openLoans(manager, record.id);
      const ofOrder = scope.orderId ? await this.loanOfOrder(manager, scope.orderId) : null;
      if (ofOrder && !loans.some((loan) => loan.loanId === ofOrder.loanId)) loans.push(ofOrder);
      pendingCredits = await this.pendingStatementCredits(manager, record.id);
    }
    return {
      accountId: record.id,
      limit: record.creditLimit,
      cycle: { statementDay: record.statementDay, dueOffsetDays: record.dueOffsetDays },
      held: record.held,
      outstanding: record.outstanding,
      balance: record.balance,
      nextStatementDate: record.nextStatementDate as CalendarDate | null,
      lastStatementDate: record.lastStatementDate as CalendarDate | null,
      holds: holdRecord ? [holdOf(holdRecord)] : [],
      loans,
      pendingCredits,
    };
  }

  /** Saves what one command changed: the account row, holds, loans, statements, credits and postings. */
  async save(manager: EntityManager, before: CreditAccount, change: AccountChange<unknown>, at: Date): Promise<void> {
    const after = change.account;
    const accountChanges: Partial<CreditAccountRecord> = {};
    if (after.held !== before.held) accountChanges.held = after.held;
    if (after.outstanding !== before.outstanding) accountChanges.outstanding = after.outstanding;
    if (after.balance !== before.balance) accountChanges.balance = after.balance;
    if (after.nextStatementDate !== before.nextStatementDate) accountChanges.nextStatementDate = after.nextStatementDate;
    if (after.lastStatementDate !== before.lastStatementDate) accountChanges.lastStatementDate = after.lastStatementDate;
    if (Object.keys(accountChanges).length > 0) await manager.getRepository(CreditAccountRecord).update({ id: after.accountId }, accountChanges);

    for (const hold of after.holds) {
      const old = before.holds.find((candidate) => candidate.holdId === hold.holdId);
      if (old === hold) continue;
      if (!old) {
        await insertEntities(manager, CreditHoldRecord, [{
          id: hold.holdId,
          orderId: hold.orderId,
          creditAccountId: after.accountId,
          amount: hold.amount,
          status: hold.status,
          placedAt: at,
          releasedAt: null,
          releaseReason: null,
          productCode: hold.productCode,
          periodCount: hold.periodCount,
          capturedAmount: hold.captured,
          releasedAmount: hold.released,
        }]);
        continue;
      }
      const ended = hold.releaseReason !== old.releaseReason ? { releasedAt: at, releaseReason: hold.releaseReason } : {};
      await manager.update(CreditHoldRecord, { id: hold.holdId }, { capturedAmount: hold.captured, releasedAmount: hold.released, status: hold.status, ...ended });
    }

    const known = new Set(before.loans.map((loan) => loan.loanId));
    const changed = changedLoansOf(before, after);
    for (const loan of changed.filter((candidate) => !known.has(candidate.loanId))) {
      const hold = after.holds.find((candidate) => candidate.orderId === loan.orderId) as AccountHold;
      await this.insertLoan(manager, after.accountId, hold.holdId, loan, isLoanSettled(loan), at);
    }
    await this.saveLoans(manager, changed.filter((loan) => known.has(loan.loanId)), isLoanSettled, at);

    for (const issued of change.statements) {
      await this.insertStatement(manager, { id: issued.statementId, accountId: after.accountId, statement: issued.statement, issuedAt: at });
      if (issued.creditIds.length) await this.attachStatementCredits(manager, issued.creditIds, issued.statementId);
    }
    await this.addStatementCredits(manager, after.accountId, change.newCredits);
    await this.post(manager, change.postings, at);
  }

  /**
   * The statement run's claim: one account whose statement day has come and that is not
   * backing off after a failure, locked with SKIP LOCKED so instances share the work.
   */
  async claimAccountWithStatementDue(manager: EntityManager, job: string, today: CalendarDate, now: Date): Promise<string | undefined> {
    const [candidate] = await manager.query(
      `SELECT id FROM credit_account
          WHERE next_statement_date IS NOT NULL AND next_statement_date <= $1 AND ${TimerFailures.notBackingOff(job, 'credit_account.id', '$2')}
          ORDER BY next_statement_date LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [today, now],
    );
    return candidate?.id;
  }

  // --- reads -------------------------------------------------------------------------------

  /** The account's loans (all, or one order's), oldest first, for reading. */
  async loansOf(manager: EntityManager, accountId: string, orderId?: string): Promise<Array<{ document: Loan; settled: boolean }>> {
    return manager.query(`SELECT document, settled FROM loan WHERE credit_account_id = $1 AND ($2::uuid IS NULL OR order_id = $2::uuid) ORDER BY booked_at, id`, [accountId, orderId ?? null]);
  }

  /** Issued statements, newest first; a buyer sees only those sent. */
  async statementsOf(manager: EntityManager, accountId: string, sentOnly: boolean): Promise<Array<Record<string, unknown>>> {
    return manager.query(
      `SELECT id, to_char(statement_date, 'YYYY-MM-DD') AS statement_date, to_char(due_date, 'YYYY-MM-DD') AS due_date, amount_due, sent_to_buyer FROM credit_statement WHERE credit_account_id = $1 ${sentOnly ? 'AND sent_to_buyer' : ''} ORDER BY statement_date DESC`,
      [accountId],
    );
  }

  async statementOf(manager: EntityManager, accountId: string, statementId: string): Promise<{ id: string; document: Statement } | undefined> {
    const [row] = await manager.query(`SELECT id, document FROM credit_statement WHERE credit_account_id = $1 AND id = $2`, [accountId, statementId]);
    return row;
  }
}

function holdOf(record: CreditHoldRecord): AccountHold {
  return {
    holdId: record.id,
    orderId: record.orderId,
    amount: record.amount,
    captured: record.capturedAmount,
    released: record.releasedAmount,
    status: record.status,
    productCode: record.productCode,
    periodCount: record.periodCount,
    releaseReason: record.releaseReason,
    // The refund table's unique refund id keeps rule 7 across loads (see RefundOffsetRepository).
    appliedRefundIds: [],
  };
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountChange, AccountHold, CalendarDate, changedLoansOf, CreditAccount, CreditProduct, isLoanSettled, Loan, Posting, Statement, StatementCredit } from '@orderline/credit-billing/domain';
import { TimerFailures, TransactionScope } from '@orderline/shared/messaging';
import { insertStatement, prepared, selectEntity, selectEntityWith } from '@orderline/shared/persistence';
import { CreditAccountRecord, CreditHoldRecord, LedgerPostingRecord } from './credit.entity';

/** The lock key of a buyer's credit account: batches lock their accounts in this order first. */
export function accountLockKey(buyerId: string): string {
  return `credit-account:${buyerId}`;
}

/**
 * Reads and writes the credit book inside a use case's transaction: the account row (locked
 * first, so one account's movements are serialised), its loans as domain documents, ledger
 * postings (append-only, unique keys), statement credits, products.
 */
const INSERT_LOAN = `INSERT INTO loan (id, credit_account_id, order_id, hold_id, settled, document, booked_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`;
const UPDATE_LOAN = `UPDATE loan SET document = $2, settled = $3, updated_at = $4 WHERE id = $1`;
const UPDATE_ACCOUNT = `UPDATE credit_account SET held = $2, outstanding = $3, balance = $4, next_statement_date = $5, last_statement_date = $6 WHERE id = $1`;
const UPDATE_HOLD = `UPDATE credit_hold SET captured_amount = $2, released_amount = $3, status = $4,
    released_at = CASE WHEN release_reason IS DISTINCT FROM $6 THEN $5 ELSE released_at END, release_reason = $6
  WHERE id = $1`;

@Injectable()
export class CreditAccountRepository {
  async lockAccountOfBuyer(manager: EntityManager, buyerId: string): Promise<CreditAccountRecord | null> {
    return selectEntity(manager, CreditAccountRecord, 'buyer_id = $1', [buyerId], { forUpdate: true });
  }

  /**
   * A hold's decision in one round trip (issue 19; it was three): the buyer's account row locked,
   * the account as `load(…, { orderId })` gives it, and the default product of the plan.
   *
   * The hold and the product are read under the statement's snapshot, taken before any wait for
   * the row lock, where `load` reads after it. That is safe for this one use: a placement asks
   * only whether the order has a hold (a re-published copy then changes nothing), and a hold
   * comes into being only here, by the `OrderPlaced` handler, which takes the buyer's
   * `accountLockKey` with its inbox insert, earlier in its transaction than this statement; holds
   * are never deleted. A transaction that created this order's hold has therefore committed
   * before this statement starts, or waits for this one. What other writers change later (a
   * hold's captured or released amounts, under the row lock alone) placement does not read.
   * Products are configuration.
   */
  async lockAccountForHold(manager: EntityManager, buyerId: string, orderId: string, planType: string): Promise<{ record: CreditAccountRecord; account: CreditAccount; product: CreditProduct | null } | null> {
    const locked = await selectEntityWith<CreditAccountRecord, { hold: StoredHold | null; product: CreditProduct | null }>(
      manager,
      CreditAccountRecord,
      'buyer_id = $1',
      [buyerId, orderId, planType],
      { hold: holdOfOrder('$2'), product: `(SELECT p.definition FROM credit_product p WHERE p.plan_type = $3 AND p.is_default)` },
      { forUpdate: true },
    );
    if (!locked) return null;
    return { record: locked.entity, account: accountOf(locked.entity, { hold: locked.also.hold }), product: locked.also.product };
  }

  async lockAccount(manager: EntityManager, accountId: string): Promise<CreditAccountRecord | null> {
    return selectEntity(manager, CreditAccountRecord, 'id = $1', [accountId], { forUpdate: true });
  }

  async insertLoan(scope: TransactionScope, accountId: string, holdId: string, loan: Loan, settled: boolean, at: Date): Promise<void> {
    await scope.sendWrite({ sql: INSERT_LOAN, values: [loan.loanId, accountId, loan.orderId, holdId, settled, JSON.stringify(loan), at] });
  }

  async saveLoans(scope: TransactionScope, loans: readonly Loan[], settled: (loan: Loan) => boolean, at: Date): Promise<void> {
    for (const loan of loans) await scope.sendWrite({ sql: UPDATE_LOAN, values: [loan.loanId, JSON.stringify(loan), settled(loan), at] });
  }

  /**
   * Postings are written at commit with the transaction's events (`insertAtCommit`): no command
   * reads the ledger, and each command's postings cost a round trip of their own (issue 19). A
   * posting key already written is skipped, so a business action posts once.
   */
  post(scope: TransactionScope, postings: readonly Posting[], at: Date): void {
    scope.insertAtCommit(
      LedgerPostingRecord,
      postings.map((posting) => ({ creditAccountId: posting.accountId, postingKey: posting.postingKey, kind: posting.kind, loanId: posting.loanId ?? null, pending: posting.pending, entries: posting.entries, postedAt: at })),
      { ignoreConflicts: true },
    );
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

  async addStatementCredits(scope: TransactionScope, accountId: string, credits: readonly StatementCredit[]): Promise<void> {
    for (const credit of credits) await scope.sendWrite({ sql: `INSERT INTO statement_credit (credit_account_id, document) VALUES ($1, $2)`, values: [accountId, JSON.stringify(credit)] });
  }

  /** An issued statement: an immutable document (domain.md §4.4). */
  async insertStatement(scope: TransactionScope, input: { id: string; accountId: string; statement: Statement; issuedAt: Date }): Promise<void> {
    const { statement } = input;
    await scope.sendWrite({
      sql: `INSERT INTO credit_statement (id, credit_account_id, statement_date, due_date, amount_due, sent_to_buyer, document, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      values: [input.id, input.accountId, statement.statementDate, statement.dueDate, statement.amountDue, statement.sentToBuyer, JSON.stringify(statement), input.issuedAt],
    });
  }

  async attachStatementCredits(scope: TransactionScope, creditIds: readonly string[], statementId: string): Promise<void> {
    await scope.sendWrite({ sql: `UPDATE statement_credit SET statement_id = $2 WHERE id = ANY($1::bigint[])`, values: [creditIds, statementId] });
  }

  // --- the aggregate: load and save ---------------------------------------------------

  /**
   * The credit account aggregate as one command needs it: `orderId` loads that order's hold,
   * `loans` the open loans (plus the order's loan, settled or not) and the pending statement
   * credits. The account row must already be locked by the caller.
   */
  async load(manager: EntityManager, record: CreditAccountRecord, scope: { orderId?: string; loans?: boolean } = {}): Promise<CreditAccount> {
    return accountOf(record, await readAccountParts(manager, record.id, scope));
  }

  /**
   * Saves what one command changed: the account row, holds, loans, statements, credits and
   * postings. The account row is locked by the caller (see `load`), so its changed figures are
   * written with one statement built once, not TypeORM's `update` (a query build per call).
   * Nothing here reads an answer back, so every write goes without waiting for its answer and
   * travels with the transaction's next statement (`sendWrite`): a hold's account UPDATE and
   * hold INSERT leave with the commit instead of costing two round trips (issue 19). A batch's
   * next command reads them all the same: one connection runs its statements in order.
   */
  async save(scope: TransactionScope, before: CreditAccount, change: AccountChange<unknown>, at: Date): Promise<void> {
    const manager = scope.manager;
    const after = change.account;
    const accountChanged = after.held !== before.held || after.outstanding !== before.outstanding || after.balance !== before.balance
      || after.nextStatementDate !== before.nextStatementDate || after.lastStatementDate !== before.lastStatementDate;
    if (accountChanged) {
      await scope.sendWrite({ sql: UPDATE_ACCOUNT, values: [after.accountId, after.held, after.outstanding, after.balance, after.nextStatementDate, after.lastStatementDate] });
    }

    for (const hold of after.holds) {
      const old = before.holds.find((candidate) => candidate.holdId === hold.holdId);
      if (old === hold) continue;
      if (!old) {
        await scope.sendWrite(insertStatement(manager, CreditHoldRecord, [{
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
        }]));
        continue;
      }
      // The hold's end is stamped when its release reason changes (the row holds what `load` read).
      await scope.sendWrite({ sql: UPDATE_HOLD, values: [hold.holdId, hold.captured, hold.released, hold.status, at, hold.releaseReason ?? null] });
    }

    const known = new Set(before.loans.map((loan) => loan.loanId));
    const changed = changedLoansOf(before, after);
    for (const loan of changed.filter((candidate) => !known.has(candidate.loanId))) {
      const hold = after.holds.find((candidate) => candidate.orderId === loan.orderId) as AccountHold;
      await this.insertLoan(scope, after.accountId, hold.holdId, loan, isLoanSettled(loan), at);
    }
    await this.saveLoans(scope, changed.filter((loan) => known.has(loan.loanId)), isLoanSettled, at);

    for (const issued of change.statements) {
      await this.insertStatement(scope, { id: issued.statementId, accountId: after.accountId, statement: issued.statement, issuedAt: at });
      if (issued.creditIds.length) await this.attachStatementCredits(scope, issued.creditIds, issued.statementId);
    }
    await this.addStatementCredits(scope, after.accountId, change.newCredits);
    this.post(scope, change.postings, at);
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

/** An order's hold as `row_to_json` gives it (bigint fen as JSON numbers, at most 2^53). */
interface StoredHold {
  id: string;
  order_id: string;
  amount: number;
  captured_amount: number;
  released_amount: number;
  status: AccountHold['status'];
  product_code: string | null;
  period_count: number | null;
  release_reason: AccountHold['releaseReason'];
}

/** What `load` reads of an account besides its row (absent parts were not asked for). */
interface StoredAccountParts {
  hold?: StoredHold | null;
  open_loans?: Loan[];
  order_loan?: Loan | null;
  pending_credits?: Array<{ id: string; credit: StatementCredit }>;
}

/** An order's hold as one JSON value (or null), the order id being the parameter `param`. */
const holdOfOrder = (param: string): string => `(SELECT row_to_json(h) FROM credit_hold h WHERE h.order_id = ${param}::uuid)`;
const HOLD_OF_ORDER = `${holdOfOrder('$1')} AS hold`;
const LOAD_HOLD = prepared(`SELECT ${HOLD_OF_ORDER}`);
const LOAD_WITH_LOANS = prepared(`SELECT ${HOLD_OF_ORDER},
  (SELECT coalesce(json_agg(l.document ORDER BY l.booked_at, l.id), '[]'::json) FROM loan l WHERE l.credit_account_id = $2 AND NOT l.settled) AS open_loans,
  (SELECT l.document FROM loan l WHERE l.order_id = $1::uuid) AS order_loan,
  (SELECT coalesce(json_agg(json_build_object('id', c.id::text, 'credit', c.document) ORDER BY c.id), '[]'::json) FROM statement_credit c
     WHERE c.credit_account_id = $2 AND c.statement_id IS NULL) AS pending_credits`);

/**
 * What `load` reads besides the account row, with one statement (they were up to four round trips,
 * issue 19); run after the caller's lock, so under READ COMMITTED it sees what the lock's previous
 * holder wrote.
 */
async function readAccountParts(manager: EntityManager, accountId: string, scope: { orderId?: string; loans?: boolean }): Promise<StoredAccountParts> {
  if (scope.loans) return (await manager.query(LOAD_WITH_LOANS, [scope.orderId ?? null, accountId]))[0];
  if (scope.orderId) return (await manager.query(LOAD_HOLD, [scope.orderId]))[0];
  return {};
}

/** The account aggregate from its row and the parts read beside it. */
function accountOf(record: CreditAccountRecord, parts: StoredAccountParts): CreditAccount {
  const { hold, open_loans: openLoans, order_loan: ofOrder, pending_credits: pendingCredits } = parts;
  const loans: Loan[] = openLoans ?? [];
  if (ofOrder && !loans.some((loan) => loan.loanId === ofOrder.loanId)) loans.push(ofOrder);
  return {
    accountId: record.id,
    limit: record.creditLimit,
    cycle: { statementDay: record.statementDay, dueOffsetDays: record.dueOffsetDays },
    held: record.held,
    outstanding: record.outstanding,
    balance: record.balance,
    nextStatementDate: record.nextStatementDate as CalendarDate | null,
    lastStatementDate: record.lastStatementDate as CalendarDate | null,
    holds: hold ? [holdOf(hold)] : [],
    loans,
    pendingCredits: pendingCredits ?? [],
  };
}

function holdOf(row: StoredHold): AccountHold {
  return {
    holdId: row.id,
    orderId: row.order_id,
    amount: Number(row.amount),
    captured: Number(row.captured_amount),
    released: Number(row.released_amount),
    status: row.status,
    productCode: row.product_code,
    periodCount: row.period_count,
    releaseReason: row.release_reason,
    // The refund table's unique refund id keeps rule 7 across loads (see RefundOffsetRepository).
    appliedRefundIds: [],
  };
}

import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { LedgerEntry, PostingKind } from '@orderline/credit-billing/domain';
import { fenColumn } from '@orderline/shared/persistence';

@Entity('credit_account')
export class CreditAccountRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'buyer_id', unique: true }) buyerId: string;
  @Column(fenColumn({ name: 'credit_limit' })) creditLimit: number;
  /** Sum of ACTIVE holds; kept in the same transaction as the holds themselves. */
  @Column(fenColumn()) held: number;
  @Column(fenColumn()) outstanding: number;
  @Column(fenColumn()) balance: number;
  @Column('int', { name: 'statement_day' }) statementDay: number;
  @Column('int', { name: 'due_offset_days' }) dueOffsetDays: number;
  /** The next statement day to issue (platform date, YYYY-MM-DD). */
  @Column('date', { name: 'next_statement_date', nullable: true }) nextStatementDate: string | null;
  @Column('date', { name: 'last_statement_date', nullable: true }) lastStatementDate: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export type HoldStatus = 'ACTIVE' | 'RELEASED' | 'CAPTURED';

/** A pre-authorisation of one order's payable amount (domain.md §4.2). */
@Entity('credit_hold')
export class CreditHoldRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'order_id', unique: true }) orderId: string;
  @Column('uuid', { name: 'credit_account_id' }) creditAccountId: string;
  @Column(fenColumn()) amount: number;
  @Column('text') status: HoldStatus;
  @Column('timestamptz', { name: 'placed_at' }) placedAt: Date;
  @Column('timestamptz', { name: 'released_at', nullable: true }) releasedAt: Date | null;
  @Column('text', { name: 'release_reason', nullable: true }) releaseReason: string | null;
  /** The credit product and period count chosen at order time; the loan is booked on them. */
  @Column('text', { name: 'product_code', nullable: true }) productCode: string | null;
  @Column('int', { name: 'period_count', nullable: true }) periodCount: number | null;
  /** `amount` is what was held; these say what became a loan and what was let go. */
  @Column(fenColumn({ name: 'captured_amount', default: 0 })) capturedAmount: number;
  @Column(fenColumn({ name: 'released_amount', default: 0 })) releasedAmount: number;
}

/** What a hold still holds (domain.md §4.2). */
export function stillHeldOf(hold: CreditHoldRecord): number {
  return hold.amount - hold.capturedAmount - hold.releasedAmount;
}

/** One posting of the account's double-entry ledger (domain.md §4.4), as `Posting` in the domain. */
@Entity('ledger_posting')
export class LedgerPostingRecord {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid', { name: 'credit_account_id' }) creditAccountId: string;
  /** Names the business action: a posting is written once (ON CONFLICT DO NOTHING). */
  @Column('text', { name: 'posting_key', unique: true }) postingKey: string;
  @Column('text') kind: PostingKind;
  @Column('uuid', { name: 'loan_id', nullable: true }) loanId: string | null;
  @Column('boolean') pending: boolean;
  @Column('jsonb') entries: readonly LedgerEntry[];
  @Column('timestamptz', { name: 'posted_at' }) postedAt: Date;
}

export const CREDIT_ENTITIES = [CreditAccountRecord, CreditHoldRecord, LedgerPostingRecord];

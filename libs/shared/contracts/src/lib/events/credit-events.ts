import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { IsFen } from './validators';

export class CreditHoldPlacedPayload {
  @IsUUID() holdId: string;
  @IsUUID() orderId: string;
  @IsUUID() creditAccountId: string;
  @IsFen() amount: number;
  /** Available limit right after the hold (domain.md §4.1). */
  @IsFen() availableAfter: number;
}

export const CREDIT_DECLINE_REASONS = ['INSUFFICIENT_AVAILABLE_LIMIT', 'NO_CREDIT_ACCOUNT', 'PLAN_NOT_AVAILABLE'] as const;
export type CreditDeclineReason = (typeof CREDIT_DECLINE_REASONS)[number];

export class CreditHoldDeclinedPayload {
  @IsUUID() orderId: string;
  @IsUUID() buyerId: string;
  @IsOptional() @IsUUID() creditAccountId?: string;
  @IsFen() amount: number;
  @IsFen() available: number;
  @IsIn(CREDIT_DECLINE_REASONS) reason: CreditDeclineReason;
}

export class CreditHoldReleasedPayload {
  @IsUUID() holdId: string;
  @IsUUID() orderId: string;
  @IsUUID() creditAccountId: string;
  @IsFen() amount: number;
  /** Why the hold was released, e.g. ORDER_CANCELLED. */
  @IsString() reason: string;
  @IsFen() availableAfter: number;
}

/** Credit topic, keyed by credit account id (architecture.md "Events"). */
export const CreditHoldPlaced = defineEvent({
  type: 'CreditHoldPlaced',
  version: 1,
  topic: Topics.credit,
  payload: CreditHoldPlacedPayload,
  description: 'The payable amount of a credit order is held on the buyer\'s line (domain.md §4.2).',
  keyOf: (p) => p.creditAccountId,
});

export const CreditHoldDeclined = defineEvent({
  type: 'CreditHoldDeclined',
  version: 1,
  topic: Topics.credit,
  payload: CreditHoldDeclinedPayload,
  description: 'No hold: the available limit is short (or the buyer has no line). The order is cancelled with CREDIT_DECLINED.',
  // A buyer without a credit account has no account id; the order id keeps the key stable.
  keyOf: (p) => p.creditAccountId ?? p.orderId,
});

export const CreditHoldReleased = defineEvent({
  type: 'CreditHoldReleased',
  version: 1,
  topic: Topics.credit,
  payload: CreditHoldReleasedPayload,
  description: 'A hold was released (order cancelled before shipment); the available limit is restored.',
  keyOf: (p) => p.creditAccountId,
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A loan period's states (credit-billing's `PeriodStatus`; credit-view-codes.ts checks they agree). */
export const LOAN_PERIOD_STATUSES = ['SCHEDULED', 'BILLED', 'OVERDUE', 'PAID', 'VOIDED'] as const;

/** One period of a loan's plan as events carry it (domain.md §4.3). */
export class LoanPeriodSnapshot {
  @IsInt() @Min(1) index: number;
  @Matches(DATE) statementDate: string;
  @Matches(DATE) dueDate: string;
  @IsIn(LOAN_PERIOD_STATUSES) status: (typeof LOAN_PERIOD_STATUSES)[number];
  @IsFen() principal: number;
  @IsFen() fee: number;
  @IsFen() lateFee: number;
  @IsFen() paid: number;
  @IsFen() credited: number;
}

export class LoanBookedPayload {
  @IsUUID() loanId: string;
  @IsUUID() orderId: string;
  @IsUUID() creditAccountId: string;
  @IsFen() principal: number;
  @IsIn(['DEFERRED', 'INSTALLMENT']) plan: string;
  @IsInt() @Min(1) periodCount: number;
  /** What the hold had left after the capture and was released (partial shipment). */
  @IsFen() releasedFromHold: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => LoanPeriodSnapshot) periods: LoanPeriodSnapshot[];
}

export class RefundOffsetAppliedPayload {
  @IsString() refundId: string;
  @IsUUID() orderId: string;
  @IsUUID() loanId: string;
  @IsUUID() creditAccountId: string;
  @IsFen() amount: number;
  /** Refund money that reduced unpaid principal. */
  @IsFen() principalOffset: number;
  /** Principal already repaid, and fee refunds, credited to the balance (domain.md §4.5 rules 4-5). */
  @IsFen() balanceCredit: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => LoanPeriodSnapshot) periodsBefore: LoanPeriodSnapshot[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => LoanPeriodSnapshot) periodsAfter: LoanPeriodSnapshot[];
}

/** Why credit-billing did not offset a refund (domain.md §4.5). */
export const REFUND_OFFSET_REFUSAL_REASONS = ['EXCEEDS_REFUNDABLE_PRINCIPAL'] as const;
export type RefundOffsetRefusalReason = (typeof REFUND_OFFSET_REFUSAL_REASONS)[number];

export class RefundOffsetRefusedPayload {
  /** The refund id of the `RefundCompleted` that was refused (the after-sales refund). */
  @IsString() refundId: string;
  @IsUUID() orderId: string;
  @IsUUID() loanId: string;
  @IsUUID() creditAccountId: string;
  /** The refund amount that was asked for. */
  @IsFen() amount: number;
  @IsIn(REFUND_OFFSET_REFUSAL_REASONS) reason: RefundOffsetRefusalReason;
  /** What the loan could still take as a refund when it was refused. */
  @IsFen() refundable: number;
}

export class StatementIssuedPayload {
  @IsUUID() statementId: string;
  @IsUUID() creditAccountId: string;
  @Matches(DATE) statementDate: string;
  @Matches(DATE) dueDate: string;
  @IsFen() amountDue: number;
  /** A statement with nothing to pay is recorded but not sent (domain.md §4.4). */
  @IsBoolean() sentToBuyer: boolean;
}

export class RepaymentReceivedPayload {
  @IsUUID() repaymentId: string;
  @IsUUID() creditAccountId: string;
  @IsFen() amount: number;
  @IsFen() principalRepaid: number;
  @IsFen() toBalance: number;
}

export class LoanSettledPayload {
  @IsUUID() loanId: string;
  @IsUUID() orderId: string;
  @IsUUID() creditAccountId: string;
}

export const LoanBooked = defineEvent({
  type: 'LoanBooked',
  version: 1,
  topic: Topics.credit,
  payload: LoanBookedPayload,
  description: 'A shipped credit order\'s hold became a loan with its repayment plan (domain.md §4.2, §4.3).',
  keyOf: (p) => p.creditAccountId,
});

export const RefundOffsetApplied = defineEvent({
  type: 'RefundOffsetApplied',
  version: 1,
  topic: Topics.credit,
  payload: RefundOffsetAppliedPayload,
  description: 'A refund reduced the loan (domain.md §4.5); carries the periods before and after.',
  keyOf: (p) => p.creditAccountId,
});

export const RefundOffsetRefused = defineEvent({
  type: 'RefundOffsetRefused',
  version: 1,
  topic: Topics.credit,
  payload: RefundOffsetRefusedPayload,
  description:
    'Credit-billing refused to offset a refund against the loan (e.g. EXCEEDS_REFUNDABLE_PRINCIPAL): nothing on the loan changed; ' +
    'after-sales shows the refund\'s settlement as FAILED with the reason, to be retried or escalated.',
  keyOf: (p) => p.creditAccountId,
});

export const StatementIssued = defineEvent({
  type: 'StatementIssued',
  version: 1,
  topic: Topics.credit,
  payload: StatementIssuedPayload,
  description: 'The statement of a statement day was issued (domain.md §4.4).',
  keyOf: (p) => p.creditAccountId,
});

export const RepaymentReceived = defineEvent({
  type: 'RepaymentReceived',
  version: 1,
  topic: Topics.credit,
  payload: RepaymentReceivedPayload,
  description: 'The buyer repaid; allocated oldest due first, fee before principal (domain.md §4.4).',
  keyOf: (p) => p.creditAccountId,
});

export const LoanSettled = defineEvent({
  type: 'LoanSettled',
  version: 1,
  topic: Topics.credit,
  payload: LoanSettledPayload,
  description: 'Nothing is left to pay on a loan (repaid or refunded).',
  keyOf: (p) => p.creditAccountId,
});

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ApiCode, ApiCodes, ApiDate, ApiFen, ApiFlag, ApiInteger, ApiMap, ApiText, ApiTimestamp, ApiUuid, ApiView, IsFen, MAX_FEN } from '@orderline/shared/contracts';
import { CREDIT_PLANS, REFUND_ALLOCATION_RULES, CreditPlanType, RefundAllocationRuleCode } from '@orderline/shared/platform-rules';

// ---- What credit-billing answers: the TypeScript its queries return and the OpenAPI schemas (docs/api.md).
// The code lists below are the domain's unions as arrays; credit-view-codes.ts in the service
// checks at compile time that both say the same.

export const PERIOD_STATUSES = ['SCHEDULED', 'BILLED', 'OVERDUE', 'PAID', 'VOIDED'] as const;
export const REPAYMENT_STATUSES = ['INITIATED', 'CREDITED', 'DECLINED'] as const;
export { REFUND_ALLOCATION_RULES };
export const POSTING_KINDS = ['HOLD_PLACED', 'HOLD_RELEASED', 'HOLD_CAPTURED', 'LOAN_BOOKED', 'FEE_CHARGED', 'LATE_FEE_CHARGED', 'REPAYMENT', 'BALANCE_PAYMENT', 'REFUND_OFFSET', 'FEE_REFUND', 'WRITE_OFF'] as const;
export const LEDGER_ACCOUNTS = [
  'CREDIT_HOLD_RESERVED',
  'CREDIT_HOLD_CONTRA',
  'LOAN_PRINCIPAL_RECEIVABLE',
  'FEE_RECEIVABLE',
  'LATE_FEE_RECEIVABLE',
  'MERCHANT_SETTLEMENT',
  'REFUND_CLEARING',
  'REPAYMENT_CLEARING',
  'BUYER_BALANCE',
  'FEE_INCOME',
  'LATE_FEE_INCOME',
  'PRINCIPAL_WRITTEN_OFF',
] as const;
export const ENTRY_SIDES = ['DEBIT', 'CREDIT'] as const;
/** The period counts an instalment plan may have (domain.md §4.3). */
export const PERIOD_COUNTS = [3, 6, 12, 24] as const;


/** Opens the credit line of a new buyer (called by the gateway's `POST /buyers`). */
export class OpenCreditAccountRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() buyerId: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_FEN, description: 'credit limit in fen', example: 500_000 }) @IsFen() creditLimit: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 28, default: 1 }) @IsOptional() @IsInt() @Min(1) @Max(28) statementDay?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 27, default: 10 }) @IsOptional() @IsInt() @Min(1) @Max(27) dueOffsetDays?: number;
}


/**
 * `POST /credit/repayments`: an amount in fen, optionally paying one loan first. At most what
 * is billed or overdue plus the overpayment allowance (422 REPAYMENT_ABOVE_AMOUNT_OWED with
 * `maximum` otherwise). `repaymentId` makes a retry safe: the same id never pays twice.
 */
export class RepaymentRequest {
  @ApiProperty({ type: 'integer', description: 'amount in fen (1 … MAX_FEN)', example: 9_950, minimum: 1, maximum: MAX_FEN }) @IsFen() amount: number;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() loanId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'chosen by the client so a retry is recognised; generated when absent' }) @IsOptional() @IsUUID() repaymentId?: string;
}

/** The payment provider's answer to a pending repayment (relayed by an operator for the simulated provider). */
export class RepaymentConfirmationRequest {
  @ApiProperty({ enum: ['CONFIRMED', 'DECLINED'] }) @IsIn(['CONFIRMED', 'DECLINED']) outcome: 'CONFIRMED' | 'DECLINED';
  @ApiProperty({ description: 'the reference the provider gave when the repayment was initiated' }) @IsString() @Length(1, 100) providerReference: string;
  @ApiPropertyOptional({ example: 'SIMULATED' }) @IsOptional() @IsString() @Length(1, 40) provider?: string;
}

/** A new limit in fen; at most CREDIT_LIMIT_MAX (configuration, default MAX_FEN): 422 CREDIT_LIMIT_TOO_HIGH beyond. */
export class CreditLimitRequest {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'new limit in fen', example: 800_000, maximum: MAX_FEN }) @IsFen() creditLimit: number;
}

export class LoansQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
}

/** A credit product (domain.md §4.3): plan, period counts and their fee rates, late fee, refund rule. Rates in ppm. */
export class CreditProductRequest {
  @ApiProperty({ example: 'INSTALLMENT_PROMO' }) @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'code must be 2-40 upper-case letters, digits or _' }) code: string;
  @ApiProperty({ enum: CREDIT_PLANS }) @IsIn(CREDIT_PLANS) planType: CreditPlanType;
  @ApiPropertyOptional({ type: 'array', items: { type: 'integer', enum: [...PERIOD_COUNTS] }, example: [3, 6, 12, 24] }) @IsOptional() @IsArray() @ArrayMaxSize(4) @IsIn(PERIOD_COUNTS, { each: true }) allowedPeriodCounts?: number[];
  @ApiPropertyOptional({ example: { '3': 5000, '6': 5000 }, description: 'fee per period in ppm of the principal, by period count' })
  @IsOptional()
  @IsObject()
  feeRatePpmByPeriodCount?: Record<string, number>;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000, example: 0 }) @IsOptional() @IsInt() @Min(0) @Max(1_000_000) deferralFeeRatePpm?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 366, example: 30 }) @IsOptional() @IsInt() @Min(1) @Max(366) interestFreeDays?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000, example: 500 }) @IsOptional() @IsInt() @Min(0) @Max(1_000_000) lateFeeRatePpmPerDay?: number;
  @ApiPropertyOptional({ enum: REFUND_ALLOCATION_RULES }) @IsOptional() @IsIn(REFUND_ALLOCATION_RULES) refundAllocationRule?: RefundAllocationRuleCode;
  @ApiPropertyOptional({ description: 'new orders of this plan type use it' }) @IsOptional() @IsBoolean() isDefault?: boolean;
}

/** `GET /credit/account` (architecture.md payload sketch). Amounts in fen. */
export class CreditAccountView {
  @ApiUuid() id: string;
  @ApiUuid() buyerId: string;
  @ApiFen() limit: number;
  @ApiFen() held: number;
  @ApiFen() outstanding: number;
  @ApiFen({ signed: true, description: 'limit − held − outstanding (fen)' }) available: number;
  @ApiFen({ description: 'money the platform owes the buyer (fen)' }) balance: number;
  @ApiInteger({ minimum: 1, maximum: 28 }) statementDay: number;
  @ApiInteger({ minimum: 1, maximum: 27 }) dueOffsetDays: number;
  @ApiInteger({ minimum: 0 }) activeHolds: number;
}

export class LoanPeriodView {
  @ApiInteger({ minimum: 1 }) index: number;
  @ApiDate() statementDate: string;
  @ApiDate() dueDate: string;
  @ApiCode(PERIOD_STATUSES) status: (typeof PERIOD_STATUSES)[number];
  @ApiFen() principal: number;
  @ApiFen() fee: number;
  @ApiFen() lateFee: number;
  @ApiFen() paid: number;
  @ApiFen() credited: number;
  @ApiFen({ description: 'principal + fee + late fee − paid − credited (fen)' }) owed: number;
}

export class LoanView {
  @ApiUuid() id: string;
  @ApiUuid() orderId: string;
  @ApiCode(CREDIT_PLANS) plan: CreditPlanType;
  @ApiInteger({ minimum: 1 }) periodCount: number;
  @ApiText() productCode: string;
  @ApiDate() bookedOn: string;
  @ApiFen() principal: number;
  @ApiFen() outstandingPrincipal: number;
  @ApiFen() refundedPrincipal: number;
  @ApiFlag() settled: boolean;
  @ApiView([LoanPeriodView]) periods: LoanPeriodView[];
}

export class StatementSummaryView {
  @ApiUuid() id: string;
  @ApiDate() statementDate: string;
  @ApiDate() dueDate: string;
  @ApiFen() amountDue: number;
  @ApiFlag() sentToBuyer: boolean;
}

export class StatementLineView {
  @ApiUuid() loanId: string;
  @ApiUuid() orderId: string;
  @ApiInteger({ minimum: 1 }) periodIndex: number;
  @ApiInteger({ minimum: 1 }) periodCount: number;
  @ApiDate() dueDate: string;
  @ApiCode(PERIOD_STATUSES) status: (typeof PERIOD_STATUSES)[number];
  @ApiFen() principal: number;
  @ApiFen() fee: number;
  @ApiFen() lateFee: number;
  @ApiFen() paid: number;
  @ApiFen() credited: number;
  @ApiFen() owed: number;
}

export class StatementCreditView {
  @ApiUuid() loanId: string;
  @ApiInteger({ minimum: 1 }) periodIndex: number;
  @ApiText({ description: "the refund's id as RefundCompleted carried it" }) refundId: string;
  @ApiFen() principal: number;
  @ApiFen() fee: number;
  @ApiDate() creditedOn: string;
}

/** An issued statement: an immutable document (domain.md §4.4). */
export class StatementView {
  @ApiUuid() id: string;
  @ApiUuid() accountId: string;
  @ApiDate() statementDate: string;
  @ApiDate() dueDate: string;
  @ApiView([StatementLineView]) billedLines: StatementLineView[];
  @ApiView([StatementLineView]) carriedOverLines: StatementLineView[];
  @ApiView([StatementCreditView]) creditLines: StatementCreditView[];
  @ApiFen() newCharges: number;
  @ApiFen() carriedOver: number;
  @ApiFen() credits: number;
  @ApiFen() balanceBefore: number;
  @ApiFen() balanceApplied: number;
  @ApiFen() balanceAfter: number;
  @ApiFen() amountDue: number;
  @ApiFlag() sentToBuyer: boolean;
}

export class RepaymentPortionView {
  @ApiUuid() loanId: string;
  @ApiInteger({ minimum: 1 }) periodIndex: number;
  @ApiFen() principal: number;
  @ApiFen() fee: number;
  @ApiFen() lateFee: number;
}

/** A repayment; the allocation fields are set once it is CREDITED. */
export class RepaymentView {
  @ApiUuid() id: string;
  /** INITIATED: waiting for the payment provider; CREDITED: allocated (the allocation fields are set); DECLINED: no money moved. */
  @ApiCode(REPAYMENT_STATUSES, { description: 'INITIATED: waiting for the payment provider; CREDITED: allocated (the allocation fields are set); DECLINED: no money moved' }) status: (typeof REPAYMENT_STATUSES)[number];
  @ApiFen() amount: number;
  @ApiText({ nullable: true }) provider: string | null;
  @ApiText({ nullable: true }) providerReference: string | null;
  @ApiTimestamp() initiatedAt: string;
  @ApiTimestamp({ nullable: true }) receivedAt: string | null;
  @ApiFen({ optional: true }) principalRepaid?: number;
  @ApiFen({ optional: true }) feePaid?: number;
  @ApiFen({ optional: true }) lateFeePaid?: number;
  @ApiFen({ optional: true, description: 'the excess that became balance (fen)' }) toBalance?: number;
  @ApiView([RepaymentPortionView], { optional: true }) portions?: RepaymentPortionView[];
}

export class LedgerEntryView {
  @ApiCode(LEDGER_ACCOUNTS) account: (typeof LEDGER_ACCOUNTS)[number];
  @ApiCode(ENTRY_SIDES) side: (typeof ENTRY_SIDES)[number];
  @ApiFen() amount: number;
  @ApiUuid({ optional: true }) loanId?: string;
}

export class LedgerPostingView {
  @ApiText() postingKey: string;
  @ApiCode(POSTING_KINDS) kind: (typeof POSTING_KINDS)[number];
  @ApiUuid() accountId: string;
  @ApiUuid({ optional: true }) loanId?: string;
  @ApiFlag() pending: boolean;
  @ApiView([LedgerEntryView]) entries: readonly LedgerEntryView[];
}

export class RefundOffsetView {
  @ApiUuid() refundId: string;
  @ApiText({ description: 'APPLIED, REJECTED, PARKED, …' }) status: string;
  @ApiMap('any', { nullable: true, description: "credit-billing's record of the offset (reason and refundable amount when rejected)" }) document: unknown;
}

export class CreditProductView {
  @ApiText() code: string;
  @ApiCode(CREDIT_PLANS) planType: CreditPlanType;
  @ApiCodes(PERIOD_COUNTS) allowedPeriodCounts: readonly number[];
  @ApiMap('integer', { description: 'fee per period in ppm of the principal, by period count' }) feeRatePpmByPeriodCount: Readonly<Record<string, number>>;
  @ApiInteger({ minimum: 0, maximum: 1_000_000 }) deferralFeeRatePpm: number;
  @ApiInteger({ nullable: true, minimum: 1, maximum: 366 }) interestFreeDays: number | null;
  @ApiInteger({ minimum: 0, maximum: 1_000_000 }) lateFeeRatePpmPerDay: number;
  @ApiCode(REFUND_ALLOCATION_RULES) refundAllocationRule: RefundAllocationRuleCode;
  @ApiFlag() isDefault: boolean;
}

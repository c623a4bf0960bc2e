import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { IsFen, MAX_FEN } from '@orderline/shared/contracts';

/** Opens the credit line of a new buyer (called by the gateway's `POST /buyers`). */
export class OpenCreditAccountRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() buyerId: string;
  @ApiProperty({ description: 'credit limit in fen', example: 500_000 }) @IsFen() creditLimit: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 28, default: 1 }) @IsOptional() @IsInt() @Min(1) @Max(28) statementDay?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 27, default: 10 }) @IsOptional() @IsInt() @Min(1) @Max(27) dueOffsetDays?: number;
}

/** `GET /credit/account` (architecture.md payload sketch). Amounts in fen. */
export interface CreditAccountView {
  id: string;
  buyerId: string;
  limit: number;
  held: number;
  outstanding: number;
  available: number;
  balance: number;
  statementDay: number;
  dueOffsetDays: number;
  activeHolds: number;
}

/**
 * `POST /credit/repayments`: an amount in fen, optionally paying one loan first. At most what
 * is billed or overdue plus the overpayment allowance (422 REPAYMENT_ABOVE_AMOUNT_OWED with
 * `maximum` otherwise). `repaymentId` makes a retry safe: the same id never pays twice.
 */
export class RepaymentRequest {
  @ApiProperty({ description: 'amount in fen (1 … MAX_FEN)', example: 9_950, minimum: 1, maximum: MAX_FEN }) @IsFen() amount: number;
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
  @ApiProperty({ description: 'new limit in fen', example: 800_000, maximum: MAX_FEN }) @IsFen() creditLimit: number;
}

export class LoansQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
}

/** A credit product (domain.md §4.3): plan, period counts and their fee rates, late fee, refund rule. Rates in ppm. */
export class CreditProductRequest {
  @ApiProperty({ example: 'INSTALLMENT_PROMO' }) @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'code must be 2-40 upper-case letters, digits or _' }) code: string;
  @ApiProperty({ enum: ['DEFERRED', 'INSTALLMENT'] }) @IsIn(['DEFERRED', 'INSTALLMENT']) planType: 'DEFERRED' | 'INSTALLMENT';
  @ApiPropertyOptional({ example: [3, 6, 12, 24] }) @IsOptional() @IsArray() @ArrayMaxSize(4) @IsIn([3, 6, 12, 24], { each: true }) allowedPeriodCounts?: number[];
  @ApiPropertyOptional({ example: { '3': 5000, '6': 5000 }, description: 'fee per period in ppm of the principal, by period count' })
  @IsOptional()
  @IsObject()
  feeRatePpmByPeriodCount?: Record<string, number>;
  @ApiPropertyOptional({ example: 0 }) @IsOptional() @IsInt() @Min(0) @Max(1_000_000) deferralFeeRatePpm?: number;
  @ApiPropertyOptional({ example: null }) @IsOptional() @IsInt() @Min(1) @Max(366) interestFreeDays?: number;
  @ApiPropertyOptional({ example: 500 }) @IsOptional() @IsInt() @Min(0) @Max(1_000_000) lateFeeRatePpmPerDay?: number;
  @ApiPropertyOptional({ enum: ['REAMORTIZE', 'LAST_FIRST', 'NEXT_FIRST'] }) @IsOptional() @IsIn(['REAMORTIZE', 'LAST_FIRST', 'NEXT_FIRST']) refundAllocationRule?: 'REAMORTIZE' | 'LAST_FIRST' | 'NEXT_FIRST';
  @ApiPropertyOptional({ description: 'new orders of this plan type use it' }) @IsOptional() @IsBoolean() isDefault?: boolean;
}

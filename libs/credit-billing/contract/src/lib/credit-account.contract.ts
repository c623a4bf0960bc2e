import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsFen } from '@orderline/shared/contracts';

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

/** `POST /credit/repayments`: an amount in fen, optionally paying one loan first. */
export class RepaymentRequest {
  @ApiProperty({ description: 'amount in fen', example: 9_950 }) @IsFen() amount: number;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() loanId?: string;
}

export class CreditLimitRequest {
  @ApiProperty({ description: 'new limit in fen', example: 800_000 }) @IsFen() creditLimit: number;
}

export class LoansQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
}

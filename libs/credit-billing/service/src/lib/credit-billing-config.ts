import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { MAX_FEN } from '@orderline/shared/money';
import { BaseServiceConfig, SimulatedConfirmation, toInt } from '@orderline/shared/service-kit';


export class CreditBillingConfig extends BaseServiceConfig {
  /** Platform local time = UTC + this; statement days and due dates count its calendar days. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(-720) @Max(840) PLATFORM_UTC_OFFSET_MINUTES = 480;
  /** How often the statement run looks for accounts whose statement day has come. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) BILLING_RUN_INTERVAL_MS = 2_000;
  /**
   * How much balance a buyer may build up by repaying more than is owed (fen; default 1 000.00
   * yuan): a repayment is at most what is billed or overdue now plus the room left up to this.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(MAX_FEN) REPAYMENT_OVERPAYMENT_CAP = 100_000;
  /** The highest credit limit an operator may grant (fen; default the platform's money bound). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(MAX_FEN) CREDIT_LIMIT_MAX = MAX_FEN;
  /** The simulated payment provider confirms repayments at once, or waits for the confirmation callback. */
  @IsOptional() @IsIn(['AT_ONCE', 'ON_CALLBACK']) SIMULATED_REPAYMENT_CONFIRMATION: SimulatedConfirmation = 'AT_ONCE';
  /**
   * After-sales, asked before a buyer's credit read for refunds whose offset has not arrived yet
   * (read-your-writes, issue 13 item 3); unset = reads show what the events brought so far.
   */
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+$/, { message: 'AFTER_SALES_SERVICE_URL must be http(s)://host:port' }) AFTER_SALES_SERVICE_URL?: string;
}

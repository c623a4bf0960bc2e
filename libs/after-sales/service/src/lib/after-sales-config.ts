import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { BaseServiceConfig, toInt } from '@orderline/shared/service-kit';

export class AfterSalesConfig extends BaseServiceConfig {
  /** domain.md §3: the merchant reviews within this deadline, else the request is approved automatically (default 48 h). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) AFTER_SALES_REVIEW_SECONDS = 172_800;
  /** How often the after-sales timers run (review auto-approval, refund settlement retries). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) AFTER_SALES_TIMER_INTERVAL_MS = 1_000;
  /** Delay before a failed online refund settlement is tried again (doubles per attempt, capped at 10 min). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(600_000) REFUND_RETRY_BASE_MS = 1_000;
}

import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { BaseServiceConfig, toInt } from '@orderline/shared/service-kit';


export class OrderServiceConfig extends BaseServiceConfig {
  /** An unpaid online order is cancelled this long after it was placed (default 24 h). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) UNPAID_ORDER_TTL_SECONDS = 86_400;
  /** How often the order timers (unpaid expiry, timed pause releases) run. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) ORDER_TIMER_INTERVAL_MS = 2_000;
  /** domain.md §1.8: how long before the promised shipping deadline the warning starts (default 24 h). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) SHIPPING_WARNING_WINDOW_SECONDS = 86_400;
}

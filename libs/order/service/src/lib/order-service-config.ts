import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_FEN } from '@orderline/shared/money';
import { BaseServiceConfig, toInt } from '@orderline/shared/service-kit';


export class OrderServiceConfig extends BaseServiceConfig {
  /** An unpaid online order is cancelled this long after it was placed (default 24 h). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) UNPAID_ORDER_TTL_SECONDS = 86_400;
  /** How often the order timers (unpaid expiry, timed pause releases) run. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) ORDER_TIMER_INTERVAL_MS = 2_000;
  /** domain.md §1.8: how long before the promised shipping deadline the warning starts (default 24 h). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) SHIPPING_WARNING_WINDOW_SECONDS = 86_400;
  /** The most freight a merchant may set on an order (fen; default 1 000.00 yuan; docs/money-bounds-and-repayments.md). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(MAX_FEN) FEE_CHANGE_MAX_FREIGHT = 100_000;
  /** The most one service fee type may be on an order (fen; default 5 000.00 yuan). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(MAX_FEN) FEE_CHANGE_MAX_SERVICE_FEE = 500_000;
  /**
   * Late-shipping compensation (延迟发货赔付, docs/compensation.md): this share of what the order
   * paid, in basis points (default 3 000 = 30 %), rounded down to whole fen, ...
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(10_000) LATE_SHIPPING_COMPENSATION_RATE_BP = 3_000;
  /** ... raised to this floor (fen; default 500 = 5 yuan) ... */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(MAX_FEN) LATE_SHIPPING_COMPENSATION_FLOOR_FEN = 500;
  /** ... held under this cap (fen; default 50 000 = 500 yuan; at least the floor), and never more than the order paid. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(MAX_FEN) LATE_SHIPPING_COMPENSATION_CAP_FEN = 50_000;
  /**
   * Placements wait while credit decisions arrive later than this after their placement (ms; 0 =
   * never, the default): the wait is the excess, so callers slow down as the decision backlog
   * grows. Shorter decision waits at saturation for ~10 % fewer orders a second
   * (docs/overload-and-consistency.md, "Placement pacing").
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(60_000) PLACEMENT_PACING_LAG_MS = 0;
  /** The longest one placement waits for the decision backlog (ms). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(60_000) PLACEMENT_PACING_MAX_DELAY_MS = 2_000;
}

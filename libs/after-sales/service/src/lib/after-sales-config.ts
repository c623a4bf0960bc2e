import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig, toInt } from '@orderline/shared/service-kit';

export class AfterSalesConfig extends BaseServiceConfig {
  /** domain.md §3: the merchant reviews within this deadline, else the request is approved automatically (default 48 h). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) AFTER_SALES_REVIEW_SECONDS = 172_800;
  /** How often the after-sales timers run (review auto-approval, refund settlement retries). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) AFTER_SALES_TIMER_INTERVAL_MS = 1_000;
  /** Delay before a failed online refund settlement is tried again (doubles per attempt, capped at 10 min). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(600_000) REFUND_RETRY_BASE_MS = 1_000;
  /**
   * Logistics (the owner of shipments), asked when after-sales' copy of an order has not yet heard
   * of its shipment (read-your-writes, issue 13 item 3). Without it a lagging copy answers as before.
   */
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+$/, { message: 'LOGISTICS_SERVICE_URL must be http(s)://host:port' }) LOGISTICS_SERVICE_URL?: string;
  /**
   * The order service (the owner of orders), asked when after-sales' copy has no order of the id a
   * caller names yet (its events come in a batch window; read-your-writes). Without it a missing
   * copy answers 404 as before.
   */
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+$/, { message: 'ORDER_SERVICE_URL must be http(s)://host:port' }) ORDER_SERVICE_URL?: string;
  /** How long a command waits for the order's events once the order service or logistics says they happened. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(60_000) ORDER_FACTS_CATCH_UP_MS = 10_000;
}

import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig, toInt } from '@orderline/shared/service-kit';

export class LogisticsServiceConfig extends BaseServiceConfig {
  /** How often the stored auto-confirm deadlines are polled on the platform clock (domain.md §2.4). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) LOGISTICS_TIMER_INTERVAL_MS = 2_000;
  /** "Shipped N days ago and no tracking" (domain.md §2.3): the default N of the merchant's list. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(365) NO_TRACKING_ALERT_DAYS = 3;
  /** Destination cities the platform carrier's express product (特快送, air) serves, comma-separated. */
  @IsOptional() @IsString() @Length(1, 2000) EXPRESS_AIR_CITIES = '北京市,上海市,广州市,深圳市,杭州市,成都市,重庆市,武汉市,西安市,南京市';
  /**
   * The order service, asked when logistics' copy of an order lags its events (read-your-writes,
   * issue 13 item 3). Without it a lagging copy answers as before (409 / 404).
   */
  @IsOptional() @Matches(/^https?:\/\/[^\s/]+$/, { message: 'ORDER_SERVICE_URL must be http(s)://host:port' }) ORDER_SERVICE_URL?: string;
  /** How long a shipment waits for its order's events once the order service says the order waits for outbound. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(60_000) ORDER_FACTS_CATCH_UP_MS = 10_000;

  get airCities(): string[] {
    return this.EXPRESS_AIR_CITIES.split(',').map((city) => city.trim()).filter(Boolean);
  }
}

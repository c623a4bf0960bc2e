import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { BaseServiceConfig, toInt } from '@orderline/shared/service-kit';


export class CreditBillingConfig extends BaseServiceConfig {
  /** Platform local time = UTC + this; statement days and due dates count its calendar days. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(-720) @Max(840) PLATFORM_UTC_OFFSET_MINUTES = 480;
  /** How often the statement run looks for accounts whose statement day has come. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) BILLING_RUN_INTERVAL_MS = 2_000;
}

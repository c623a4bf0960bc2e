import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Min, MinLength } from 'class-validator';
import { BaseServiceConfig } from '@orderline/shared/service-kit';

const url = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class GatewayConfig extends BaseServiceConfig {
  /** HMAC secret of the access tokens (HS256). */
  @IsString() @MinLength(16, { message: 'JWT_SECRET must have at least 16 characters' }) JWT_SECRET: string;
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(60) JWT_TTL_SECONDS = 3_600;
  /** `username:password` of the operator created at start-up. */
  @IsString() @Matches(/^[^:]+:.+$/, { message: 'BOOTSTRAP_OPERATOR must be username:password' }) BOOTSTRAP_OPERATOR: string;
  @IsUrl(url) ORDER_SERVICE_URL: string;
  @IsUrl(url) CREDIT_BILLING_SERVICE_URL: string;
  @IsUrl(url) LOGISTICS_SERVICE_URL: string;
  @IsUrl(url) AFTER_SALES_SERVICE_URL: string;
  @IsUrl(url) EXPORT_SERVICE_URL: string;
}

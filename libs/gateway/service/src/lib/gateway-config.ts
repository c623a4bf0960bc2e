import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Min, MinLength } from 'class-validator';
import { BaseServiceConfig, toInt } from '@orderline/shared/service-kit';

const url = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class GatewayConfig extends BaseServiceConfig {
  /** HMAC secret of the access tokens (HS256). */
  @IsString() @MinLength(16, { message: 'JWT_SECRET must have at least 16 characters' }) JWT_SECRET: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) JWT_TTL_SECONDS = 3_600;
  /** Requests per minute from one IP address (all routes). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_IP_PER_MINUTE = 6_000;
  /** Requests per minute of one signed-in account. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_ACCOUNT_PER_MINUTE = 1_200;
  /** Sign-in attempts per minute for one username from one IP address. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) LOGIN_ATTEMPTS_PER_MINUTE = 10;
  /** Comma-separated origins allowed by CORS; empty = no cross-origin browser access. */
  @IsOptional() @IsString() CORS_ORIGINS = '';
  /** Platform local time = UTC + this (480: China Standard Time); days end at its 00:00. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(-720) PLATFORM_UTC_OFFSET_MINUTES = 480;
  /** Distinct orders per merchant per day whose other contacts may be looked up. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) OTHER_CONTACTS_DAILY_ORDERS = 50;
  /** New virtual-number bindings per merchant per day before SMS verification is needed. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) VIRTUAL_NUMBER_DAILY_BINDINGS = 100;
  /** The 11-digit main numbers virtual numbers are bound on (comma-separated). */
  @IsOptional() @Matches(/^\d{11}(,\d{11})*$/, { message: 'VIRTUAL_NUMBER_MAIN_NUMBERS must be 11-digit numbers, comma-separated' })
  VIRTUAL_NUMBER_MAIN_NUMBERS = '17150000000,17150000001,17150000002';
  /** Hours an Idempotency-Key's first response is kept and replayed. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(24) IDEMPOTENCY_TTL_HOURS = 24;
  /** `username:password` of the operator created at start-up. */
  @IsString() @Matches(/^[^:]+:.+$/, { message: 'BOOTSTRAP_OPERATOR must be username:password' }) BOOTSTRAP_OPERATOR: string;
  @IsUrl(url) ORDER_SERVICE_URL: string;
  @IsUrl(url) CREDIT_BILLING_SERVICE_URL: string;
  @IsUrl(url) LOGISTICS_SERVICE_URL: string;
  @IsUrl(url) AFTER_SALES_SERVICE_URL: string;
  @IsUrl(url) EXPORT_SERVICE_URL: string;
}

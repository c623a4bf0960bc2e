import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import { DEFAULT_OPERATOR_PASSWORD } from '@orderline/gateway/domain';
import { BaseServiceConfig, toInt } from '@orderline/shared/service-kit';

const url = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class GatewayConfig extends BaseServiceConfig {
  /** HMAC secret of the access tokens (HS256). */
  @IsString() @MinLength(16, { message: 'JWT_SECRET must have at least 16 characters' }) JWT_SECRET: string;
  /** Lifetime of an access token. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) JWT_TTL_SECONDS = 3_600;
  /** Requests per minute from one IP address (all routes). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_IP_PER_MINUTE = 6_000;
  /** Requests per minute of one signed-in account. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_ACCOUNT_PER_MINUTE = 1_200;
  /** Sign-in attempts for one username from one IP address in any 60-second span (a sliding window). */
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
  /**
   * Seconds a request holds its Idempotency-Key while it runs; a retry after that takes the key
   * over (the gateway that held it died). Longer than any request runs (3 × 15 s downstream).
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(5) @Max(3_600) IDEMPOTENCY_LEASE_SECONDS = 60;
  /**
   * Extra attempts of a downstream call that found the service busy (503) or unreachable: every
   * GET, and a state-changing call only when its request carries an Idempotency-Key.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(5) DOWNSTREAM_RETRIES = 2;
  /**
   * `username:password` of the operator created at start-up. The documented default password
   * works only in embedded mode and test runs: a production start refuses it (issue 12 item 9).
   */
  @IsString()
  @Matches(/^[^:]+:.+$/, { message: 'BOOTSTRAP_OPERATOR must be username:password' })
  @ValidateBy({
    name: 'notTheDefaultOperatorPassword',
    validator: {
      validate: (value: unknown, args) => {
        const config = args?.object as GatewayConfig;
        const production = config.NODE_ENV === 'production' && config.EMBEDDED_MODE !== '1';
        return !(production && typeof value === 'string' && value.slice(value.indexOf(':') + 1) === DEFAULT_OPERATOR_PASSWORD);
      },
      defaultMessage: () => 'BOOTSTRAP_OPERATOR uses the default password; a production gateway needs its own',
    },
  })
  BOOTSTRAP_OPERATOR: string;
  /** Set by the embedded platform (`npm start`), which binds to 127.0.0.1 unless HOST says otherwise. */
  @IsOptional() @IsIn(['0', '1']) EMBEDDED_MODE: '0' | '1' = '0';
  /**
   * scrypt cost log2(N) for new password hashes; r=8, p=1. Default 17 (OWASP). Lower values only
   * outside production: the test runner sets 14 so suites that create many accounts stay fast
   * (same hash format; such hashes are upgraded at sign-in once the cost is raised).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(20)
  @ValidateBy({
    name: 'owaspStrengthInProduction',
    validator: {
      validate: (value: unknown, args) => (args?.object as GatewayConfig).NODE_ENV !== 'production' || Number(value) >= 17,
      defaultMessage: () => 'PASSWORD_SCRYPT_LOG2N must be at least 17 in production (OWASP: N=2^17)',
    },
  })
  PASSWORD_SCRYPT_LOG2N = 17;
  /** Where the order service answers (http://host:port). */
  @IsUrl(url) ORDER_SERVICE_URL: string;
  /** Where the credit-billing service answers (http://host:port). */
  @IsUrl(url) CREDIT_BILLING_SERVICE_URL: string;
  /** Where the logistics service answers (http://host:port). */
  @IsUrl(url) LOGISTICS_SERVICE_URL: string;
  /** Where the after-sales service answers (http://host:port). */
  @IsUrl(url) AFTER_SALES_SERVICE_URL: string;
  /** Where the export service answers (http://host:port). */
  @IsUrl(url) EXPORT_SERVICE_URL: string;
}

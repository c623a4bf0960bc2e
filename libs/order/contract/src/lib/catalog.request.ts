import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested, ValidateIf, registerDecorator, ValidationArguments } from 'class-validator';

/**
 * Bounds of the merchant's prices (domain.md §1.1a; issue 12 item 6: every money field has a
 * documented maximum well inside 2^53). With at most 200 lines of at most 9 999 units, an
 * order's goods total stays below 2 × 10^15 fen, under Number.MAX_SAFE_INTEGER (≈ 9 × 10^15).
 */
export const MAX_UNIT_PRICE_FEN = 1_000_000_000; // 10 000 000.00 yuan
/** A delivery-and-install fee per unit (domain.md §1.7). */
export const MAX_SERVICE_FEE_FEN = 10_000_000; // 100 000.00 yuan
/** The merchant's flat freight per order. */
export const MAX_FREIGHT_FEN = 1_000_000; // 10 000.00 yuan
/** A coupon's amount off, and the spend thresholds of coupons and freight rules. */
export const MAX_COUPON_AMOUNT_FEN = 100_000_000; // 1 000 000.00 yuan
export const MAX_SPEND_THRESHOLD_FEN = 100_000_000_000; // 1 000 000 000.00 yuan


/** A SKU id as it appears in a path and in order items. */
export const SKU_ID_PATTERN = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** Integer fen between 0 and `max` (domain.md §1.1a bounds). */
function IsBoundedFen(max: number): PropertyDecorator {
  const decorators = [IsInt(), Min(0), Max(max)];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

/** Snapshot attributes: at most 30 string pairs, short keys and values. */
function IsSnapshotAttributes(): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isSnapshotAttributes',
      target: target.constructor,
      propertyName: property as string,
      validator: {
        validate(value: unknown) {
          if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          return entries.length <= 30 && entries.every(([key, text]) => key.length >= 1 && key.length <= 50 && typeof text === 'string' && text.length <= 200);
        },
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be an object of at most 30 string values (keys 1-50, values up to 200 characters)`,
      },
    });
}

/** The kinds of domain.md §1.1 that are facts of the goods (docs/catalog-and-pricing.md). */
export class SkuKindsRequest {
  @ApiPropertyOptional({ description: '海囤全球/京东国际' }) @IsOptional() @IsBoolean() crossBorder?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() customsAuction?: boolean;
  @ApiPropertyOptional({ description: '预售' }) @IsOptional() @IsBoolean() presale?: boolean;
  @ApiPropertyOptional({ description: '预定: sold for a reserved delivery' }) @IsOptional() @IsBoolean() reservation?: boolean;
  @ApiPropertyOptional({ description: 'telecom SIM card: waits for the real-name check' }) @IsOptional() @IsBoolean() simCard?: boolean;
  @ApiPropertyOptional({ description: 'LOC voucher redeemed in the shop' }) @IsOptional() @IsBoolean() localServiceVoucher?: boolean;
  @ApiPropertyOptional({ description: '充值赠品' }) @IsOptional() @IsBoolean() topUpGift?: boolean;
  @ApiPropertyOptional({ description: '定制' }) @IsOptional() @IsBoolean() customised?: boolean;
  @ApiPropertyOptional({ description: 'LOC driving-school sign-up (驾校报名): the order carries the sign-up form' }) @IsOptional() @IsBoolean() drivingSchoolSignup?: boolean;
  @ApiPropertyOptional({ description: 'LOC activity sign-up (活动报名): the order carries the sign-up form' }) @IsOptional() @IsBoolean() activitySignup?: boolean;
}

/** A delivery-and-install fee charged per unit of the SKU (domain.md §1.1, §1.7). */
export class SkuServiceFeeRequest {
  @ApiProperty({ example: 'INSTALLATION' }) @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'feeType must be an upper-case fee type code' }) feeType: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_SERVICE_FEE_FEN, description: `fen per unit, at most ${MAX_SERVICE_FEE_FEN}`, example: 5000 }) @IsBoundedFen(MAX_SERVICE_FEE_FEN) amount: number;
}

/** `PUT /merchant/catalog/skus/{skuId}` (architecture.md): creates or replaces one SKU. */
export class PutSkuRequest {
  @ApiProperty({ example: 'Electric kettle 1.7 L' }) @IsString() @Length(1, 200) title: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_UNIT_PRICE_FEN, description: `fen, at most ${MAX_UNIT_PRICE_FEN}`, example: 19900 }) @IsBoundedFen(MAX_UNIT_PRICE_FEN) unitPrice: number;
  @ApiPropertyOptional({ description: 'shown in the product snapshot', example: { colour: 'white', volume: '1.7 L' } }) @IsOptional() @IsSnapshotAttributes() attributes?: Record<string, string>;
  @ApiProperty({ description: 'false: delisted (下架), cannot be ordered' }) @IsBoolean() listed: boolean;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000_000, description: 'units in stock; null or absent: not tracked', nullable: true, example: 100 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  stock?: number | null;
  @ApiPropertyOptional({ type: SkuServiceFeeRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => SkuServiceFeeRequest) serviceFee?: SkuServiceFeeRequest;
  @ApiPropertyOptional({ type: SkuKindsRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => SkuKindsRequest) kinds?: SkuKindsRequest;
}


/** `PUT /merchant/freight-rule` (architecture.md, domain.md §1.1a). */
export class FreightRuleRequest {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_FREIGHT_FEN, description: `flat freight per order in fen, at most ${MAX_FREIGHT_FEN}`, example: 800 }) @IsBoundedFen(MAX_FREIGHT_FEN) amount: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SPEND_THRESHOLD_FEN, description: 'goods total (fen) from which freight is free', example: 9900, nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsBoundedFen(MAX_SPEND_THRESHOLD_FEN)
  freeAbove?: number | null;
}

/** `POST /merchant/coupons` (architecture.md, domain.md §1.1a). */
export class CreateCouponRequest {
  @ApiProperty({ example: 'WELCOME10' }) @Matches(/^[A-Z0-9][A-Z0-9_-]{2,31}$/, { message: 'code must be 3-32 upper-case letters, digits, _ or -' }) code: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_COUPON_AMOUNT_FEN, description: `fen off, 1..${MAX_COUPON_AMOUNT_FEN}`, example: 1000 }) @IsInt() @Min(1) @Max(MAX_COUPON_AMOUNT_FEN) amountOff: number;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_SPEND_THRESHOLD_FEN, description: 'goods total (fen) the order must reach', example: 5000 }) @IsBoundedFen(MAX_SPEND_THRESHOLD_FEN) minimumSpend: number;
  @ApiProperty({ example: '2026-11-01T00:00:00Z' }) @IsISO8601({ strict: true }) validFrom: string;
  @ApiProperty({ example: '2026-12-31T00:00:00Z' }) @IsISO8601({ strict: true }) validTo: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10_000_000, description: 'how many can be used (once per buyer)', example: 100 }) @IsInt() @Min(1) @Max(10_000_000) quantity: number;
}


/** `GET /merchant/catalog/skus`: pages in SKU id order. */
export class CatalogPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Matches(/^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$/, { message: 'limit must be 1-200' }) limit?: string;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @Matches(SKU_ID_PATTERN, { message: 'cursor is not valid' }) cursor?: string;
}

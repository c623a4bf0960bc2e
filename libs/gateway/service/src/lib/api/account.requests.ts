import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MERCHANT_PERMISSIONS, MerchantPermission } from '@orderline/gateway/domain';
import { IsFen, MAX_FEN, PHONE_PATTERN } from '@orderline/shared/contracts';

export const USERNAME_PATTERN = /^[a-zA-Z0-9._-]{3,64}$/;

export class TokenRequest {
  @ApiProperty({ example: 'operator' }) @IsString() @Length(1, 64) username: string;
  @ApiProperty({ example: 'operator-password' }) @IsString() @Length(1, 128) password: string;
}

export class MainAccountRequest {
  @ApiProperty({ pattern: USERNAME_PATTERN.source, example: 'kettle-world' }) @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 letters, digits, dot, dash or underscore' }) username: string;
  @ApiProperty({ minLength: 8 }) @IsString() @Length(8, 128) password: string;
  @ApiProperty({ pattern: PHONE_PATTERN.source, example: '13900000000' }) @Matches(PHONE_PATTERN, { message: 'phone must be 6-20 digits' }) phone: string;
}

export class CreateMerchantRequest {
  @ApiProperty({ example: 'Kettle World' }) @IsString() @Length(1, 100) name: string;
  @ApiProperty({ type: MainAccountRequest }) @IsObject() @ValidateNested() @Type(() => MainAccountRequest) mainAccount: MainAccountRequest;
}

export class CreateBuyerRequest {
  @ApiProperty({ pattern: USERNAME_PATTERN.source, example: 'kettle-world' }) @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 letters, digits, dot, dash or underscore' }) username: string;
  @ApiProperty({ minLength: 8 }) @IsString() @Length(8, 128) password: string;
  @ApiProperty({ example: '李四' }) @IsString() @Length(1, 50) name: string;
  @ApiProperty({ pattern: PHONE_PATTERN.source, example: '13800000000' }) @Matches(PHONE_PATTERN, { message: 'phone must be 6-20 digits' }) phone: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_FEN, description: 'credit limit in fen', example: 500_000 }) @IsFen() creditLimit: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 28 }) @IsOptional() @IsInt() @Min(1) @Max(28) statementDay?: number;
}

export class CreateSubAccountRequest {
  @ApiProperty({ pattern: USERNAME_PATTERN.source, example: 'kettle-world' }) @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 letters, digits, dot, dash or underscore' }) username: string;
  @ApiProperty({ minLength: 8 }) @IsString() @Length(8, 128) password: string;
  @ApiProperty({ pattern: PHONE_PATTERN.source, example: '13900000001' }) @Matches(PHONE_PATTERN, { message: 'phone must be 6-20 digits' }) phone: string;
  @ApiPropertyOptional({ enum: MERCHANT_PERMISSIONS, isArray: true, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MERCHANT_PERMISSIONS.length)
  @ArrayUnique()
  @IsIn(MERCHANT_PERMISSIONS, { each: true })
  permissions?: MerchantPermission[];
}

export class SetPermissionsRequest {
  @ApiProperty({ enum: MERCHANT_PERMISSIONS, isArray: true, example: ['VIEW_ORDERS', 'SHIP'] })
  @IsArray()
  @ArrayMaxSize(MERCHANT_PERMISSIONS.length)
  @ArrayUnique()
  @IsIn(MERCHANT_PERMISSIONS, { each: true })
  permissions: MerchantPermission[];
}

export class AccountStatusRequest {
  @ApiProperty() @IsBoolean() disabled: boolean;
}

export class RevealQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'show the consignee in clear (needs REVEAL_CONSUMER_INFO; logged)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  reveal?: 'true' | 'false';
}

export class PageLimitQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,2}$/, { message: 'limit must be an integer from 1 to 500' })
  limit?: string;
}

export class RegisterCarrierRequest {
  @ApiProperty({ example: 'SF', description: 'carrier code used in shipments (upper case)' }) @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'code must be 2-32 upper-case letters, digits or _' }) code: string;
  @ApiProperty({ example: 'SF Express' }) @IsString() @Length(1, 100) name: string;
}

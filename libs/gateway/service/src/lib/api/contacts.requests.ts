import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PHONE_PATTERN } from '@orderline/shared/contracts';

export class SmsVerificationRequest {
  @ApiProperty({ enum: ['OTHER_CONTACTS', 'EXTRA_VIRTUAL_NUMBERS'] }) @IsIn(['OTHER_CONTACTS', 'EXTRA_VIRTUAL_NUMBERS']) purpose: 'OTHER_CONTACTS' | 'EXTRA_VIRTUAL_NUMBERS';
}

export class SmsVerificationConfirmRequest extends SmsVerificationRequest {
  @ApiProperty({ example: '123456' }) @Matches(/^\d{6}$/, { message: 'code must be 6 digits' }) code: string;
}

export class VirtualNumberRequest {
  @ApiPropertyOptional({ enum: ['ORDER', 'AFTER_SALES'], default: 'ORDER' }) @IsOptional() @IsIn(['ORDER', 'AFTER_SALES']) kind?: 'ORDER' | 'AFTER_SALES';
}

export class SmsQuery {
  @ApiProperty({ pattern: PHONE_PATTERN.source, example: '13900000000' }) @Matches(PHONE_PATTERN, { message: 'phone must be 6-20 digits' }) phone: string;
}

import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { COMPENSATION_KINDS, CompensationKind, IdDocumentType, LOC_SIGNUP_KINDS, LocSignupKind } from '@orderline/shared/platform-rules';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { IsFen } from './validators';

/**
 * Compensation (赔付) and local-service sign-ups: order facts the export center lists
 * (domain.md §5 "compensation", "local services"). On the orders topic, keyed by order id, so
 * they follow the order's own events.
 */

export class CompensationGrantedPayload {
  @IsUUID() compensationId: string;
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  /** ADVANCE (先行赔付, an operator), DIRECT (商家直赔, the merchant), LATE_SHIPPING (延迟发货赔付, the time-out rule). */
  @IsIn(COMPENSATION_KINDS) kind: CompensationKind;
  /** Whole fen, at least 1; all compensation of one order never exceeds what it paid (docs/compensation.md). */
  @IsFen() amount: number;
  @IsString() @Length(1, 200) reason: string;
  /** Who granted it: `operator:<id>`, `merchant:<id>` or `system` (the time-out rule). */
  @IsString() @Length(1, 80) grantedBy: string;
  @IsISO8601() grantedAt: string;
}

export const CompensationGranted = defineEvent({
  type: 'CompensationGranted',
  version: 1,
  topic: Topics.orders,
  payload: CompensationGrantedPayload,
  description: 'A compensation to the buyer of an order was granted: advance (先行赔付), merchant direct (商家直赔) or late shipping (延迟发货赔付, raised with ShippingTimedOut); docs/compensation.md.',
  keyOf: (p) => p.orderId,
});

/** The sign-up form as the buyer filled it in: what `formSealed` holds once opened (`openPersonalData`). */
export interface EventSignupForm {
  name: string;
  phone: string;
  idType: IdDocumentType;
  idNumber: string;
}

export class LocSignupSubmittedPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  @IsIn(LOC_SIGNUP_KINDS) kind: LocSignupKind;
  /** The SKU signed up for (the course or activity). */
  @IsString() @Length(1, 64) skuId: string;
  @IsString() @Length(1, 200) title: string;
  /** The class or activity date the buyer chose (YYYY-MM-DD, platform calendar). */
  @Matches(/^\d{4}-\d{2}-\d{2}$/) classDate: string;
  /** Name, phone, ID type and number (`EventSignupForm`) sealed with the personal-data key; never in clear in an event. */
  @IsString() formSealed: string;
  @IsOptional() @IsISO8601() signedUpAt?: string;
}

export const LocSignupSubmitted = defineEvent({
  type: 'LocSignupSubmitted',
  version: 1,
  topic: Topics.orders,
  payload: LocSignupSubmittedPayload,
  description: 'A buyer ordered a local-service sign-up (LOC driving school or activity) with its form; the form is sealed personal data (domain.md §5, §6.1).',
  keyOf: (p) => p.orderId,
});

import { IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { IsFen } from './validators';

export class CreditHoldPlacedPayload {
  @IsUUID() holdId: string;
  @IsUUID() orderId: string;
  @IsUUID() creditAccountId: string;
  @IsFen() amount: number;
  /** Available limit right after the hold (domain.md §4.1). */
  @IsFen() availableAfter: number;
}

export const CREDIT_DECLINE_REASONS = ['INSUFFICIENT_AVAILABLE_LIMIT', 'NO_CREDIT_ACCOUNT'] as const;
export type CreditDeclineReason = (typeof CREDIT_DECLINE_REASONS)[number];

export class CreditHoldDeclinedPayload {
  @IsUUID() orderId: string;
  @IsUUID() buyerId: string;
  @IsOptional() @IsUUID() creditAccountId?: string;
  @IsFen() amount: number;
  @IsFen() available: number;
  @IsIn(CREDIT_DECLINE_REASONS) reason: CreditDeclineReason;
}

export class CreditHoldReleasedPayload {
  @IsUUID() holdId: string;
  @IsUUID() orderId: string;
  @IsUUID() creditAccountId: string;
  @IsFen() amount: number;
  /** Why the hold was released, e.g. ORDER_CANCELLED. */
  @IsString() reason: string;
  @IsFen() availableAfter: number;
}

/** Credit topic, keyed by credit account id (architecture.md "Events"). */
export const CreditHoldPlaced = defineEvent({
  type: 'CreditHoldPlaced',
  version: 1,
  topic: Topics.credit,
  payload: CreditHoldPlacedPayload,
  description: 'The payable amount of a credit order is held on the buyer\'s line (domain.md §4.2).',
  keyOf: (p) => p.creditAccountId,
});

export const CreditHoldDeclined = defineEvent({
  type: 'CreditHoldDeclined',
  version: 1,
  topic: Topics.credit,
  payload: CreditHoldDeclinedPayload,
  description: 'No hold: the available limit is short (or the buyer has no line). The order is cancelled with CREDIT_DECLINED.',
  // A buyer without a credit account has no account id; the order id keeps the key stable.
  keyOf: (p) => p.creditAccountId ?? p.orderId,
});

export const CreditHoldReleased = defineEvent({
  type: 'CreditHoldReleased',
  version: 1,
  topic: Topics.credit,
  payload: CreditHoldReleasedPayload,
  description: 'A hold was released (order cancelled before shipment); the available limit is restored.',
  keyOf: (p) => p.creditAccountId,
});

import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { TRACKING_STATUSES, TrackingStatus } from './logistics-events';

/**
 * What logistics tells after-sales about an exchange (换货, domain.md §3) and a return parcel:
 * the replacement left and arrived, and the parcel coming back moved. Logistics topic, keyed by
 * order id like every other event of the order.
 */
export class ReplacementShippedPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsUUID() shipmentId: string;
  @IsString() @Length(2, 32) carrier: string;
  @IsString() @Length(1, 64) waybillNo: string;
}

/** How the buyer received a replacement: the platform carrier delivered it (§2.4), or the §2.4 timer confirmed it. */
export const REPLACEMENT_RECEIPTS = ['DELIVERED_BY_PLATFORM_CARRIER', 'AUTO_CONFIRMED'] as const;
export type ReplacementReceipt = (typeof REPLACEMENT_RECEIPTS)[number];

export class ReplacementReceivedPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsUUID() shipmentId: string;
  @IsIn(REPLACEMENT_RECEIPTS) receivedBy: ReplacementReceipt;
  /** When receipt counts from (the delivery event, or the stored auto-confirm deadline), ISO-8601. */
  @IsISO8601() receivedAt: string;
}

export class ReturnParcelTrackedPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsString() @Length(2, 32) carrier: string;
  @IsString() @Length(1, 64) waybillNo: string;
  @IsIn(TRACKING_STATUSES) status: TrackingStatus;
  /** When the carrier says it happened (ISO-8601, never later than the platform clock). */
  @IsISO8601() occurredAt: string;
  @IsOptional() @IsString() @Length(0, 200) location?: string;
}

export const ReplacementShipped = defineEvent({
  type: 'ReplacementShipped',
  version: 1,
  topic: Topics.logistics,
  payload: ReplacementShippedPayload,
  description: 'The merchant shipped the replacement of an exchange (outbound rules of domain.md §2.1); after-sales moves the request to REPLACEMENT_SHIPPED.',
  keyOf: (p) => p.orderId,
});

export const ReplacementReceived = defineEvent({
  type: 'ReplacementReceived',
  version: 1,
  topic: Topics.logistics,
  payload: ReplacementReceivedPayload,
  description: 'The buyer received the replacement of an exchange (platform-carrier delivery, or the §2.4 auto-confirm timer); after-sales completes the exchange (EXCHANGED).',
  keyOf: (p) => p.orderId,
});

export const ReturnParcelTracked = defineEvent({
  type: 'ReturnParcelTracked',
  version: 1,
  topic: Topics.logistics,
  payload: ReturnParcelTrackedPayload,
  description: 'A carrier tracking event of a return parcel (the buyer\'s waybill or a booked pickup); after-sales shows it on the request.',
  keyOf: (p) => p.orderId,
});

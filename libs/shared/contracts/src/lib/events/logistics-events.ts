import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

export class DispatchedLine {
  @IsUUID() lineId: string;
  @IsInt() @Min(1) quantity: number;
}

export class ShipmentDispatchedPayload {
  @IsString() @Length(1, 64) shipmentId: string;
  @IsUUID() orderId: string;
  /** JD_LOGISTICS (the platform carrier) or a third-party carrier code. */
  @IsString() @Length(2, 32) carrier: string;
  @IsString() @Length(1, 64) waybillNo: string;
  /** The lines (and quantities) in the parcel; absent = the whole order. */
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => DispatchedLine) lines?: DispatchedLine[];
}

export class ShipmentDeliveredPayload {
  @IsString() @Length(1, 64) shipmentId: string;
  @IsUUID() orderId: string;
  @IsIn(['PLATFORM', 'THIRD_PARTY']) carrierKind: 'PLATFORM' | 'THIRD_PARTY';
}

/** Logistics topic, keyed by order id. */
export const ShipmentDispatched = defineEvent({
  type: 'ShipmentDispatched',
  version: 1,
  topic: Topics.logistics,
  payload: ShipmentDispatchedPayload,
  description: 'A parcel with (part of) the order left the warehouse; the order becomes SHIPPED (domain.md §2.1).',
  keyOf: (p) => p.orderId,
});

export const ShipmentDelivered = defineEvent({
  type: 'ShipmentDelivered',
  version: 1,
  topic: Topics.logistics,
  payload: ShipmentDeliveredPayload,
  description: 'The carrier reports delivery (妥投); a platform-carrier order completes on delivery (domain.md §2.4).',
  keyOf: (p) => p.orderId,
});

export const TRACKING_STATUSES = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'INTERCEPTED', 'INTERCEPT_FAILED', 'RETURNED_TO_SENDER'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export class TrackingUpdatedPayload {
  @IsString() @Length(1, 64) shipmentId: string;
  @IsUUID() orderId: string;
  @IsString() @Length(2, 32) carrier: string;
  @IsString() @Length(1, 64) waybillNo: string;
  @IsIn(TRACKING_STATUSES) status: TrackingStatus;
  /** When the carrier says it happened (ISO-8601); events may arrive in any order. */
  @IsString() occurredAt: string;
  @IsOptional() @IsString() @Length(0, 200) location?: string;
}

export class ReceiptAutoConfirmedPayload {
  @IsString() @Length(1, 64) shipmentId: string;
  @IsUUID() orderId: string;
  /** The §2.4 case that fired: THIRD_PARTY_DELIVERED, THIRD_PARTY_NO_TRACKING, THIRD_PARTY_TRACKING_WITHOUT_DELIVERY. */
  @IsString() case: string;
  /** The stored deadline that was reached (platform clock, ISO-8601). */
  @IsString() autoConfirmAt: string;
}

export const INTERCEPTION_STATUSES = ['REQUESTED', 'INTERCEPTED', 'FAILED', 'RETURNED'] as const;
export type InterceptionStatus = (typeof INTERCEPTION_STATUSES)[number];

export class ShipmentInterceptionUpdatedPayload {
  @IsString() @Length(1, 64) shipmentId: string;
  @IsUUID() orderId: string;
  @IsIn(INTERCEPTION_STATUSES) status: InterceptionStatus;
  /** FAILED: the buyer is asked to refuse the delivery (domain.md §2.3); a notifier sends it. */
  @IsOptional() @IsIn(['REFUSE_DELIVERY']) buyerAction?: 'REFUSE_DELIVERY';
}

export class WaybillCorrectedPayload {
  @IsString() @Length(1, 64) shipmentId: string;
  @IsUUID() orderId: string;
  @IsString() @Length(2, 32) carrier: string;
  @IsString() @Length(1, 64) previousWaybillNo: string;
  @IsString() @Length(1, 64) waybillNo: string;
}

export const TrackingUpdated = defineEvent({
  type: 'TrackingUpdated',
  version: 1,
  topic: Topics.logistics,
  payload: TrackingUpdatedPayload,
  description: 'A carrier tracking event was recorded for a parcel carrying the order (domain.md §2.3); one per order of a merged parcel.',
  keyOf: (p) => p.orderId,
});

export const ReceiptAutoConfirmed = defineEvent({
  type: 'ReceiptAutoConfirmed',
  version: 1,
  topic: Topics.logistics,
  payload: ReceiptAutoConfirmedPayload,
  description: 'The auto-confirm-of-receipt timer of domain.md §2.4 fired (once); the order completes.',
  keyOf: (p) => p.orderId,
});

export const ShipmentInterceptionUpdated = defineEvent({
  type: 'ShipmentInterceptionUpdated',
  version: 1,
  topic: Topics.logistics,
  payload: ShipmentInterceptionUpdatedPayload,
  description: 'Interception of a platform-carrier parcel moved on: requested → intercepted (→ returned) or failed (domain.md §2.3).',
  keyOf: (p) => p.orderId,
});

export const WaybillCorrected = defineEvent({
  type: 'WaybillCorrected',
  version: 1,
  topic: Topics.logistics,
  payload: WaybillCorrectedPayload,
  description: 'The merchant corrected a wrong waybill number (修改快递单号, domain.md §2.3).',
  keyOf: (p) => p.orderId,
});

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

import { IsISO8601, IsString, IsUUID } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

export class CancellationRequestSubmittedPayload {
  @IsUUID() requestId: string;
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  /** A reason code of domain.md §1.4 (e.g. BUYER_UNREACHABLE). */
  @IsString() reason: string;
  @IsISO8601() objectionDeadline: string;
}

/**
 * The gateway consumes it to send the buyer the SMS of domain.md §1.4 through its SMS port:
 * the buyer's phone is personal data the gateway keeps, so the order service never sends it.
 */
export const CancellationRequestSubmitted = defineEvent({
  type: 'CancellationRequestSubmitted',
  version: 1,
  topic: Topics.orders,
  payload: CancellationRequestSubmittedPayload,
  description: 'A merchant asked to cancel a COD order; the buyer is told by SMS and may object before the deadline (domain.md §1.4).',
  keyOf: (p) => p.orderId,
});

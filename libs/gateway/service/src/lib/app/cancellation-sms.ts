import { Inject, Injectable } from '@nestjs/common';
import { CancellationRequestSubmitted, CancellationRequestSubmittedPayload, EventEnvelope } from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { Clock, PLATFORM_CLOCK } from '@orderline/shared/service-kit';
import { BuyerRecord } from '../infra/gateway.entity';
import { SmsSender } from '../infra/sms-sender';

/** domain.md §1.4 reason codes as the buyer reads them in the SMS. */
const REASON_TEXT: Record<string, string> = {
  OUT_OF_STOCK_OVERSOLD_OR_DEFECTIVE: 'out of stock, oversold or defective',
  BUYER_REFUSED_COD_DELIVERY: 'you refused the cash-on-delivery parcel',
  BUYER_UNREACHABLE: 'the merchant could not reach you',
  BREAKS_PURCHASE_RULES_OR_UNDELIVERABLE: 'the order breaks purchase rules or the address cannot be delivered to',
  BUYER_ASKED_TO_CANCEL: 'you asked to cancel',
};

/**
 * The negotiated-cancellation SMS (domain.md §1.4) through the SMS port: the order service
 * announces the request, the gateway (which keeps the buyer's phone) tells the buyer, with the
 * route to object through.
 */
@Injectable()
export class CancellationSms {
  constructor(
    private readonly sms: SmsSender,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  bindings(): EventHandlerBinding[] {
    return [onEvent(CancellationRequestSubmitted, (event, scope) => this.tellBuyer(event, scope))];
  }

  async tellBuyer(event: EventEnvelope<CancellationRequestSubmittedPayload>, scope: TransactionScope): Promise<void> {
    const request = event.payload;
    const buyer = await scope.manager.getRepository(BuyerRecord).findOne({ where: { id: request.buyerId } });
    if (!buyer) return;
    const reason = REASON_TEXT[request.reason] ?? request.reason;
    await this.sms.send(
      buyer.phone,
      `Orderline: the merchant asks to cancel your order ${request.orderId.slice(0, 8)} (${reason}). It will be cancelled after ${request.objectionDeadline} unless you object: POST /api/v1/cancellation-requests/${request.requestId}/object`,
      this.clock.now(),
      scope.manager,
    );
  }
}

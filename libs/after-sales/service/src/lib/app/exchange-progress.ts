import { Inject, Injectable } from '@nestjs/common';
import { AfterSalesCommand, decideAfterSalesTransition } from '@orderline/after-sales/domain';
import {
  EventEnvelope,
  ReplacementReceived,
  ReplacementReceivedPayload,
  ReplacementShipped,
  ReplacementShippedPayload,
  ReturnParcelTracked,
  ReturnParcelTrackedPayload,
} from '@orderline/shared/contracts';
import { EventHandlerBinding, MessagingLogger, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK } from '@orderline/shared/service-kit';
import { AfterSalesRecord, appendReturnTracking, findRequest, RequestChanges } from '../infra/after-sales-request.repository';
import { moveRequest } from './request-steps';

/**
 * What logistics reports about a request's parcels (issue 18 item 2): the return parcel's
 * carrier events (shown on the request), and an exchange's replacement shipped, then received —
 * which completes the exchange (EXCHANGED). Logistics is the owner of those facts; after-sales
 * only follows them, through the same process table as every other step.
 */
@Injectable()
export class ExchangeProgress {
  private readonly logger: MessagingLogger;

  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('exchange-progress');
  }

  bindings(): EventHandlerBinding[] {
    return [
      onEvent(ReturnParcelTracked, (event, scope) => this.returnTracked(event, scope)),
      onEvent(ReplacementShipped, (event, scope) => this.replacementShipped(event, scope)),
      onEvent(ReplacementReceived, (event, scope) => this.replacementReceived(event, scope)),
    ];
  }

  private async returnTracked(event: EventEnvelope<ReturnParcelTrackedPayload>, scope: TransactionScope): Promise<void> {
    const { afterSalesId, status, occurredAt, location } = event.payload;
    await appendReturnTracking(scope.manager, afterSalesId, { status, occurredAt, ...(location ? { location } : {}) });
  }

  private async replacementShipped(event: EventEnvelope<ReplacementShippedPayload>, scope: TransactionScope): Promise<void> {
    const { shipmentId, carrier, waybillNo } = event.payload;
    await this.follow(scope, event.payload.afterSalesId, 'SHIP_REPLACEMENT', `${carrier} ${waybillNo}`, () => ({
      replacement: { shipmentId, carrier, waybillNo, shippedAt: event.occurredAt, receivedBy: null, receivedAt: null },
    }));
  }

  private async replacementReceived(event: EventEnvelope<ReplacementReceivedPayload>, scope: TransactionScope): Promise<void> {
    const { receivedBy, receivedAt } = event.payload;
    await this.follow(scope, event.payload.afterSalesId, 'RECEIVE_REPLACEMENT', receivedBy, (request) => ({ replacement: { ...request.replacement, receivedBy, receivedAt } }));
  }

  /**
   * Moves the request by logistics' report. A report the request cannot take (unknown request, a
   * move already made) is logged and dropped: retrying it would never succeed, and the inbox has
   * applied each event once already.
   */
  private async follow(scope: TransactionScope, afterSalesId: string, command: AfterSalesCommand, note: string, changes: (request: AfterSalesRecord) => RequestChanges): Promise<void> {
    const request = await findRequest(scope.manager, afterSalesId, true);
    if (!request) {
      this.logger.warn('logistics reported on an unknown after-sales request', { afterSalesId, command });
      return;
    }
    const decision = decideAfterSalesTransition(request, command);
    if (!decision.allowed) {
      this.logger.warn('logistics report does not fit the request', { afterSalesId, command, status: request.status, code: decision.veto.code });
      return;
    }
    await moveRequest(scope, request, command, 'system:logistics', this.clock.now(), { changes: changes(request), note });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { GrantedRefund } from '@orderline/shared/contracts';
import { isInfrastructureError, MessagingLogger, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, JsonLogger, Principal, readFromOwner, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { RefundOffsetRepository } from '../infra/refund-offset.repository';
import { RefundOffsets } from './refund-offsets';

/**
 * Read-your-writes for credit reads (issue 13 item 3). When after-sales shows a refund
 * REFUNDED, its `RefundCompleted` may still be on its way here; a buyer who reads the account,
 * bill or loans at once would see the old figures and could repay money that is no longer
 * owed. So before such a read, credit-billing asks after-sales (the owner of the refund) for
 * the buyer's refunds whose offset it has not answered yet, and applies those it has not
 * recorded through the same path as the consumer (`RefundOffsets.offsetGranted`). A refund id
 * is applied once (domain.md §4.5 rule 7), so the event that arrives later changes nothing;
 * the outcome is published through the outbox as usual, which tells after-sales it was answered.
 */
@Injectable()
export class RefundReadThrough {
  private readonly logger: MessagingLogger;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly refundOffsets: RefundOffsets,
    private readonly refunds: RefundOffsetRepository,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('refund-read-through');
  }

  /** Applies what after-sales granted and this service has not recorded; a read goes on with local figures if after-sales cannot tell. */
  async beforeRead(buyerId: string, caller: Principal): Promise<void> {
    if (caller.role !== 'BUYER' && caller.role !== 'OPERATOR') return;
    const granted = await readFromOwner<GrantedRefund[]>(this.config.AFTER_SALES_SERVICE_URL, `/after-sales/refunds/awaiting-credit-offset?buyerId=${buyerId}`, caller, this.config);
    if (!Array.isArray(granted) || granted.length === 0) return;
    const known = await this.refunds.receivedOf(this.unitOfWork.dataSource.manager, granted.map((refund) => refund.refundId));
    for (const refund of granted) {
      if (known.has(refund.refundId) || refund.buyerId !== buyerId) continue;
      try {
        await this.unitOfWork.run((scope) => this.refundOffsets.offsetGranted(scope, refund));
      } catch (error) {
        // Overload is the caller's 503; anything else leaves the refund to its event (the read shows local figures).
        if (isInfrastructureError(error)) throw error;
        this.logger.warn('refund read-through could not apply a granted refund; its event will', { refundId: refund.refundId, error: String((error as Error)?.message ?? error) });
      }
    }
  }
}

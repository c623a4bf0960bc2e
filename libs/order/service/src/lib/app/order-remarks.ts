import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { assertFactOwner } from './fact-owner-check';
import { appendRemarks } from '../infra/order-remark.repository';

/** Remarks appended by the merchant to one or many orders at once (domain.md §1.1). */
@Injectable()
export class OrderRemarks {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  /** Each order succeeds or is reported NOT_FOUND (another merchant's ids look missing). */
  async append(orderIds: string[], text: string, caller: Principal): Promise<Array<{ orderId: string; result: 'ADDED' | 'NOT_FOUND' }>> {
    assertFactOwner('ADD_REMARK', caller);
    if (caller.role !== 'MERCHANT') throw new NotFoundError('orders');
    const unique = [...new Set(orderIds)];
    const ok = new Set(await appendRemarks(this.dataSource.manager, caller.merchantId, unique, { accountId: caller.accountId, text, addedAt: this.clock.now() }));
    return unique.map((orderId) => ({ orderId, result: ok.has(orderId) ? 'ADDED' : 'NOT_FOUND' }));
  }
}

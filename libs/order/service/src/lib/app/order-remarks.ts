import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { assertFactOwner } from './fact-owner-check';

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
    const added: Array<{ order_id: string }> = await this.dataSource.query(
      `INSERT INTO order_remark (order_id, account_id, text, added_at)
       SELECT id, $3, $4, $5 FROM customer_order WHERE merchant_id = $1 AND id = ANY($2::uuid[]) RETURNING order_id`,
      [caller.merchantId, unique, caller.accountId, text, this.clock.now()],
    );
    const ok = new Set(added.map((row) => row.order_id));
    return unique.map((orderId) => ({ orderId, result: ok.has(orderId) ? 'ADDED' : 'NOT_FOUND' }));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decideLateShippingReports, LateShippingReportOrder, OrderStatus, SHIPPING_PROMISE_MS } from '@orderline/order/domain';
import { LateShippingReportResultView } from '@orderline/order/contract';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { setRiskFlag } from '../infra/order.repository';
import { lockLateShippingCandidates, recordLateShippingReport } from '../infra/late-shipping-report.repository';
import { assertFactOwner } from './fact-owner-check';

/** Risk flags (operators) and late-shipping reports (merchants, per order, in batches). */
@Injectable()
export class OrderFlags {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  async setRiskFlag(orderId: string, flagged: boolean, reason: string | undefined, caller: Principal): Promise<{ orderId: string; riskFlag: boolean; riskReason: string | null }> {
    assertFactOwner('FLAG_RISK', caller);
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators flag orders as risky');
    const riskReason = flagged ? (reason ?? null) : null;
    if (!(await setRiskFlag(this.dataSource.manager, orderId, flagged, riskReason))) throw new NotFoundError(`order ${orderId}`);
    return { orderId, riskFlag: flagged, riskReason };
  }

  async reportLateShipping(orderIds: string[], newShipBy: string, reason: string, caller: Principal): Promise<LateShippingReportResultView[]> {
    assertFactOwner('REPORT_LATE_SHIPPING', caller);
    if (caller.role !== 'MERCHANT') throw new NotFoundError('orders');
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const rows = await lockLateShippingCandidates(manager, caller.merchantId, orderIds);
      const known = new Map<string, LateShippingReportOrder>(
        rows.map((row) => [
          row.id,
          { orderId: row.id, status: row.status as OrderStatus, promisedShipBy: row.ready_at ? new Date(row.ready_at.getTime() + SHIPPING_PROMISE_MS) : null, alreadyReported: row.reported },
        ]),
      );
      const results: LateShippingReportResultView[] = [];
      // Each order answers on its own, in the order given (a batch report, domain.md §1.8).
      for (const result of decideLateShippingReports(orderIds, known, { reason, newShipBy: new Date(newShipBy) }, now)) {
        if (!result.found) results.push({ orderId: result.orderId, result: 'NOT_FOUND' });
        else if (!result.decision.allowed) results.push({ orderId: result.orderId, result: 'REFUSED', code: result.decision.veto.code, reason: result.decision.veto.reason });
        else {
          await recordLateShippingReport(manager, caller.merchantId, result.decision.report);
          results.push({ orderId: result.orderId, result: 'REPORTED' });
        }
      }
      return results;
    });
  }
}

import { afterSalesLink, cancellationRequestLink } from './reader-links';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MerchantOrdersQuery, ORDER_LIST_STATUSES } from '@orderline/order/contract';
import { Address, carrierKindOf, mergedShipmentCandidates, shippingDeadlineState } from '@orderline/order/domain';
import { Clock, decodeKeysetCursor, encodeKeysetCursor, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from '../order-service-config';
import { foldOrderStatusCounts, merchantOrderListRows, orderStatusCounts, waitingOrdersWithPhones } from '../infra/order-list.repository';
import { remarksOfOrders } from '../infra/order-remark.repository';

function flag(value: string | undefined): boolean | null {
  return value === undefined ? null : value === 'true';
}

/**
 * The merchant's order list (domain.md §1.10): newest first, keyset-paginated, filtered by
 * status tab and payment method, with counts per status and the pause reason of paused orders.
 * Consumer fields are masked by the gateway.
 */
@Injectable()
export class MerchantOrderList {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: OrderServiceConfig,
  ) {}

  async list(query: MerchantOrdersQuery, caller: Principal) {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new NotFoundError('orders');
    const limit = Number(query.limit ?? 20);
    const after = query.cursor ? decodeKeysetCursor(query.cursor) : null;
    const now = this.clock.now();
    const rows = await merchantOrderListRows(this.dataSource.manager, {
      merchantId: caller.merchantId,
      status: query.status ?? null,
      paymentMethod: query.paymentMethod ?? null,
      after,
      rows: limit + 1,
      from: query.from ?? null,
      to: query.to ?? null,
      orderId: query.orderId ?? null,
      buyerId: query.buyerId ?? null,
      skuId: query.skuId ?? null,
      riskFlag: query.riskFlag === undefined ? null : query.riskFlag === 'true',
      kind: query.kind ?? null,
      hasBuyerNote: flag(query.hasBuyerNote),
      hasRefund: flag(query.hasRefund),
      lateShippingReported: flag(query.lateShippingReported),
      shippingDeadline: query.shippingDeadline ?? null,
      now,
      warningUntil: new Date(now.getTime() + this.config.SHIPPING_WARNING_WINDOW_SECONDS * 1000),
      hasAfterSales: flag(query.hasAfterSales),
    });
    const counts = Object.fromEntries(ORDER_LIST_STATUSES.map((status) => [status, 0])) as Record<(typeof ORDER_LIST_STATUSES)[number], number>;
    // Tab counts from the folded status deltas (see order-status-counts.migration.ts).
    for (const row of await orderStatusCounts(this.dataSource.manager, caller.merchantId)) counts[row.status as keyof typeof counts] = row.n;
    const page = rows.slice(0, limit);
    const mergeGroups = await this.mergeGroups(caller.merchantId, page.filter((row: Record<string, any>) => row.status === 'WAITING_OUTBOUND').map((row: Record<string, any>) => row.consignee_phone));
    // Remarks are appended to many orders at once (§1.1); the rows show them (one lookup per page).
    const remarks = await remarksOfOrders(this.dataSource.manager, page.map((row: Record<string, any>) => row.id));
    const policy = { warningWindowMs: this.config.SHIPPING_WARNING_WINDOW_SECONDS * 1000 };
    return {
      items: page.map((row: Record<string, any>) => ({
        id: row.id,
        status: row.status,
        paymentMethod: row.payment_method,
        goodsTotal: Number(row.goods_total),
        freight: Number(row.freight),
        payable: Number(row.payable),
        buyerId: row.buyer_id,
        buyerNote: row.buyer_note,
        pause: row.pause,
        riskFlag: row.risk_flag,
        lateShippingReportedShipBy: row.reported_ship_by ? row.reported_ship_by.toISOString() : null,
        consignee: { name: row.consignee_name, phone: row.consignee_phone, address: row.consignee_address },
        // domain.md §1.8 shipping warnings and time-outs, for orders still to ship.
        shippingDeadline:
          row.promised_ship_by && ['WAITING_OUTBOUND', 'PAUSED'].includes(row.status)
            ? ((view) => ({ state: view.state, deadline: view.deadline.toISOString() }))(shippingDeadlineState({ promisedShipBy: row.promised_ship_by }, now, policy))
            : null,
        kinds: row.kinds,
        // Bonded info of cross-border orders (§1.10).
        bonded: row.cross_border ? Boolean(row.cross_border.bonded) : null,
        // Unit prices per line (§1.10).
        lines: row.lines ?? [],
        refundedAmount: Number(row.refunded_amount),
        // After-sales and cancellation links (§1.10).
        afterSalesLinks: [...new Set<string>([...(row.after_sales_ids ?? []), ...(row.refund_after_sales_ids ?? [])])].map((id) => afterSalesLink(id, caller)),
        cancellation: row.cancel_reason ? { reason: row.cancel_reason, by: row.cancelled_by } : null,
        cancellationRequestLink: row.cancellation_request_id ? cancellationRequestLink(row.cancellation_request_id, caller) : null,
        // domain.md §1.9: orders that can ship together share a group id.
        mergeGroup: mergeGroups.get(row.id) ?? null,
        remarks: remarks.get(row.id) ?? [],
        createdAt: row.created_at.toISOString(),
      })),
      counts,
      nextCursor: rows.length > limit ? encodeKeysetCursor({ at: page[page.length - 1].created_at, id: page[page.length - 1].id }) : null,
    };
  }

  /**
   * Folds the status deltas of up to `merchants` merchants into one row per status (run by the
   * order timers). Rows a concurrent transaction adds meanwhile stay unfolded and still count.
   */
  async foldStatusCounts(merchants = 500): Promise<number> {
    return foldOrderStatusCounts(this.dataSource.manager, merchants);
  }

  /**
   * Merged-shipment candidates (domain.md §1.9) for the page's orders waiting for outbound. A
   * group shares one phone, so only the waiting orders with the page's phones are looked at
   * (an index lookup), not every waiting order of the merchant.
   */
  private async mergeGroups(merchantId: string, phones: string[]): Promise<Map<string, string>> {
    if (phones.length === 0) return new Map();
    const waiting = await waitingOrdersWithPhones(this.dataSource.manager, merchantId, [...new Set(phones)]);
    const groups = mergedShipmentCandidates(
      waiting.map((row) => ({
        orderId: row.id,
        merchantId,
        status: 'WAITING_OUTBOUND' as const,
        carrier: carrierKindOf({ fulfilment: row.fulfilment, shipmentCarrier: null }),
        consignee: { name: row.consignee_name, phone: row.consignee_phone, address: row.consignee_address as Address },
      })),
    );
    const byOrder = new Map<string, string>();
    for (const group of groups) {
      const id = createHash('sha256').update(group.key).digest('hex').slice(0, 12);
      for (const orderId of group.orderIds) byOrder.set(orderId, id);
    }
    return byOrder;
  }
}

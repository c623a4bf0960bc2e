import { EventConsignee, openPersonalData, OrderPlaced } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { ExportReadModel, ReadModelConsignee } from '../../infra/read-model.repository';

export function readModelConsignee(consignee: EventConsignee): ReadModelConsignee {
  const address = consignee.address;
  return { name: consignee.name, phone: consignee.phone, province: address.province, city: address.city, county: address.county, town: address.town ?? null, detail: address.detail };
}

/**
 * A new order row and its lines (domain.md §5 read model). Refunds that arrived first (the
 * after-sales topic is consumed independently) are folded in. Placement and refunds of one order
 * may be applied by consumers of different partitions at once: the consumer locks the order first
 * (`lockKey`).
 */
export const orderPlaced = (personalDataSecret: readonly string[]) =>
  onEvent(OrderPlaced, async (event, scope) => {
    const p = event.payload;
    const consignee = p.consigneeSealed ? openPersonalData<EventConsignee>(p.consigneeSealed, personalDataSecret) : undefined;
    const readModel = new ExportReadModel(scope);
    await readModel.insertOrder(
      {
        orderId: p.orderId,
        merchantId: p.merchantId,
        buyerId: p.buyerId,
        // domain.md §1.2: cash on delivery waits for outbound at once.
        status: p.paymentMethod === 'COD' ? 'WAITING_OUTBOUND' : 'UNPAID',
        paymentMethod: p.paymentMethod,
        creditPlan: p.credit?.plan ?? null,
        goodsTotal: p.goodsTotal ?? p.lines.reduce((sum, line) => sum + line.lineTotal, 0),
        freight: p.freight,
        discountTotal: p.discountTotal ?? 0,
        payable: p.payable,
        placedAt: event.occurredAt,
        kinds: p.kinds ?? [],
        fulfilment: p.fulfilment ?? null,
        buyerNote: p.buyerNote ?? null,
        consignee: consignee ? readModelConsignee(consignee) : null,
      },
      p.lines,
    );
  }, { lockKey: (event) => `export-order:${event.payload.orderId}` });

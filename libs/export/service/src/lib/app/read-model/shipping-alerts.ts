import { EventDefinition, ShippingDeadlinePayload, ShippingTimedOut, ShippingWarningRaised } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';

/**
 * Shipping warnings (发货预警) and time-outs (发货超时) as the order service raises them, once
 * per order each (domain.md §1.8): the rows of the SHIPPING_WARNINGS / SHIPPING_TIMEOUTS
 * exports. The alert id is the order and kind, so a redelivered event changes nothing.
 */
const alert = (definition: EventDefinition<ShippingDeadlinePayload>, kind: 'WARNING' | 'TIMEOUT') =>
  onEvent(definition, async (event, scope) => {
    const p = event.payload;
    const detail = p.reportedShipBy ? `late shipping reported in advance: ships by ${p.reportedShipBy}` : null;
    await scope.manager.query(
      `INSERT INTO export_shipping_alert (alert_id, order_id, merchant_id, kind, ship_by, raised_at, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (alert_id) DO NOTHING`,
      [`${p.orderId}:${kind}`, p.orderId, p.merchantId, kind, p.promisedShipBy, event.occurredAt, detail],
    );
  });

export const shippingWarningRaised = alert(ShippingWarningRaised, 'WARNING');
export const shippingTimedOut = alert(ShippingTimedOut, 'TIMEOUT');

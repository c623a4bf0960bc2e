import { EventDefinition, ShippingDeadlinePayload, ShippingTimedOut, ShippingWarningRaised } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { ExportReadModel } from '../../infra/read-model.repository';

/**
 * Shipping warnings (发货预警) and time-outs (发货超时) as the order service raises them, once
 * per order each (domain.md §1.8): the rows of the SHIPPING_WARNINGS / SHIPPING_TIMEOUTS
 * exports. The alert id is the order and kind, so a redelivered event changes nothing.
 */
const alert = (definition: EventDefinition<ShippingDeadlinePayload>, kind: 'WARNING' | 'TIMEOUT') =>
  onEvent(definition, async (event, scope) => {
    const p = event.payload;
    const detail = p.reportedShipBy ? `late shipping reported in advance: ships by ${p.reportedShipBy}` : null;
    await new ExportReadModel(scope).insertShippingAlert({ alertId: `${p.orderId}:${kind}`, orderId: p.orderId, merchantId: p.merchantId, kind, shipBy: p.promisedShipBy, raisedAt: event.occurredAt, detail });
  });

export const shippingWarningRaised = alert(ShippingWarningRaised, 'WARNING');
export const shippingTimedOut = alert(ShippingTimedOut, 'TIMEOUT');

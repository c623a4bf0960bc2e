import { Principal } from '@orderline/shared/service-kit';

/**
 * Links in a response point at a route the reader may call (issue 12 item 4): a merchant gets
 * the merchant routes, a buyer or operator the buyer-side routes (which operators may read).
 */
export function afterSalesLink(afterSalesId: string, reader: Pick<Principal, 'role'>): string {
  return reader.role === 'MERCHANT' ? `/api/v1/merchant/after-sales/${afterSalesId}` : `/api/v1/after-sales/${afterSalesId}`;
}

export function cancellationRequestLink(requestId: string, reader: Pick<Principal, 'role'>): string {
  return reader.role === 'MERCHANT' ? `/api/v1/merchant/cancellation-requests/${requestId}` : `/api/v1/cancellation-requests/${requestId}`;
}

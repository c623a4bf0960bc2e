import { createHash } from 'node:crypto';

export interface ProviderRefund {
  provider: string;
  reference: string;
}

/**
 * The payment port for refunds of online payments (domain.md §3: back the way the money
 * came). A real provider plugs in behind it; it must be idempotent by `idempotencyKey`
 * (the same key never refunds twice), which is what makes retries after a crash safe.
 */
export abstract class RefundPaymentPort {
  abstract refund(request: { idempotencyKey: string; orderId: string; amount: number }): Promise<ProviderRefund>;
}

/** The default adapter: answers at once; the reference is derived from the key, so a retry answers the same. */
export class SimulatedRefundProvider extends RefundPaymentPort {
  async refund(request: { idempotencyKey: string; orderId: string; amount: number }): Promise<ProviderRefund> {
    return { provider: 'SIMULATED', reference: `sim-refund-${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 20)}` };
  }
}

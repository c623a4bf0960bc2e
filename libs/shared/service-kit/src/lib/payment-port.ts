import { createHash } from 'node:crypto';
import { assertFen, Fen } from '@orderline/shared/money';

/** What a payment port is asked to collect from the payer. */
export interface PaymentRequest {
  /** The same key never collects twice: a retry answers with the first payment's reference. */
  idempotencyKey: string;
  /** What the money is for, shown on the provider's side: `order:<id>`, `repayment:<id>`. */
  subject: string;
  amount: Fen;
}

/**
 * `CONFIRMED`: the provider holds the money now. `PENDING`: the payer still has to act; the
 * provider confirms (or declines) later through its callback. `DECLINED`: no money moved.
 */
export type PaymentStatus = 'CONFIRMED' | 'PENDING' | 'DECLINED';

export interface PaymentResult {
  provider: string;
  reference: string;
  status: PaymentStatus;
}

/**
 * The payment port every service that takes money from a payer uses (online order payments,
 * credit repayments): a real provider plugs in behind it. Money is only booked once the port
 * says CONFIRMED, either in its answer or in its later callback.
 */
export abstract class PaymentPort {
  abstract collect(request: PaymentRequest): Promise<PaymentResult>;
}

/** How the simulated provider answers: confirm at once (the default) or wait for a callback. */
export type SimulatedConfirmation = 'AT_ONCE' | 'ON_CALLBACK';

/**
 * The default adapter: accepts every payment; the reference is derived from the idempotency
 * key, so a retry answers the same. `ON_CALLBACK` answers PENDING and leaves the confirmation to
 * the caller's confirmation route, the way a real provider confirms through its webhook.
 */
export class SimulatedPaymentPort extends PaymentPort {
  constructor(private readonly confirmation: SimulatedConfirmation = 'AT_ONCE') {
    super();
  }

  async collect(request: PaymentRequest): Promise<PaymentResult> {
    assertFen(request.amount, 'payment');
    if (request.amount < 0) throw new RangeError('a payment cannot be negative');
    const reference = `sim-${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 20)}`;
    return { provider: 'SIMULATED', reference, status: this.confirmation === 'AT_ONCE' ? 'CONFIRMED' : 'PENDING' };
  }
}

import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

export interface PaymentResult {
  provider: string;
  reference: string;
}

/** The payment port: a real provider plugs in behind it. */
export abstract class PaymentProvider {
  abstract charge(orderId: string, amount: number): Promise<PaymentResult>;
}

/** Default adapter: a simulated provider that always accepts and returns a reference. */
@Injectable()
export class SimulatedPaymentProvider extends PaymentProvider {
  async charge(orderId: string, amount: number): Promise<PaymentResult> {
    if (!Number.isSafeInteger(amount) || amount < 0) throw new Error('amount must be integer fen');
    return { provider: 'SIMULATED', reference: `sim-${orderId.slice(0, 8)}-${randomUUID().slice(0, 8)}` };
  }
}

/**
 * Online order payments use the platform's one payment port (shared with credit repayments);
 * the simulated adapter confirms at once.
 */
export { PaymentPort as PaymentProvider, SimulatedPaymentPort as SimulatedPaymentProvider } from '@orderline/shared/service-kit';

import {
  decideAutoCancellation,
  decideBuyerObjection,
  decideMerchantWithdrawal,
  decideNegotiatedCancellationSubmission,
  NEGOTIATED_CANCELLATION_PROCESS,
  NEGOTIATED_CANCELLATION_REASONS,
  NegotiatedCancellationOrder,
  NegotiatedCancellationReason,
  NegotiatedCancellationRequest,
} from './negotiated-cancellation';

const HOUR = 60 * 60 * 1000;
const submittedAt = new Date('2025-03-01T08:00:00Z');
const at = (ms: number) => new Date(submittedAt.getTime() + ms);
const codOrder: NegotiatedCancellationOrder = { status: 'WAITING_OUTBOUND', paymentMethod: 'COD', hasPendingRequest: false };
const threeCalls = [at(-3 * HOUR), at(-2 * HOUR), at(-HOUR)];

function submit(reason: NegotiatedCancellationReason = 'BUYER_ASKED_TO_CANCEL'): NegotiatedCancellationRequest {
  const decision = decideNegotiatedCancellationSubmission(codOrder, { reason, callAttempts: threeCalls }, submittedAt);
  if (!decision.allowed) throw new Error(decision.veto.code);
  return decision.request;
}

describe('negotiated cancellation (domain.md §1.4)', () => {
  describe('submission', () => {
    it.each(['ONLINE', 'CREDIT'] as const)('refuses a %s order and points to the abnormal-order complaint', (paymentMethod) => {
      const decision = decideNegotiatedCancellationSubmission({ ...codOrder, paymentMethod }, { reason: 'BUYER_ASKED_TO_CANCEL' }, submittedAt);
      expect(decision).toMatchObject({ allowed: false, veto: { code: 'NEGOTIATED_CANCELLATION_COD_ONLY' } });
      expect(decision.allowed === false && decision.veto.reason).toMatch(/abnormal-order complaint/);
    });

    it('offers the five reasons of the spec', () => {
      expect(Object.keys(NEGOTIATED_CANCELLATION_REASONS)).toHaveLength(5);
      for (const reason of Object.keys(NEGOTIATED_CANCELLATION_REASONS) as NegotiatedCancellationReason[]) {
        expect(decideNegotiatedCancellationSubmission(codOrder, { reason, callAttempts: threeCalls }, submittedAt)).toMatchObject({ allowed: true, request: { reason, status: 'PENDING' } });
      }
    });

    it('opens a 48 h objection window from submission', () => {
      const request = submit();
      expect(request.submittedAt).toEqual(submittedAt);
      expect(request.objectionDeadline.getTime() - submittedAt.getTime()).toBe(48 * HOUR);
    });

    it('takes the window length from the policy', () => {
      const decision = decideNegotiatedCancellationSubmission(codOrder, { reason: 'BUYER_ASKED_TO_CANCEL' }, submittedAt, { objectionWindowMs: 2 * HOUR, minimumCallAttemptsForUnreachable: 3 });
      expect(decision.allowed && decision.request.objectionDeadline).toEqual(at(2 * HOUR));
    });

    it('needs at least 3 declared calls at different times for "buyer unreachable", and stores them', () => {
      const reason = 'BUYER_UNREACHABLE';
      expect(decideNegotiatedCancellationSubmission(codOrder, { reason }, submittedAt)).toMatchObject({ allowed: false, veto: { code: 'CALL_ATTEMPTS_REQUIRED' } });
      expect(decideNegotiatedCancellationSubmission(codOrder, { reason, callAttempts: threeCalls.slice(0, 2) }, submittedAt)).toMatchObject({ allowed: false, veto: { code: 'CALL_ATTEMPTS_REQUIRED' } });
      expect(decideNegotiatedCancellationSubmission(codOrder, { reason, callAttempts: [threeCalls[0], threeCalls[0], threeCalls[1]] }, submittedAt)).toMatchObject({
        allowed: false,
        veto: { code: 'CALL_ATTEMPTS_REQUIRED' },
      });
      const decision = decideNegotiatedCancellationSubmission(codOrder, { reason, callAttempts: [threeCalls[2], threeCalls[0], threeCalls[1]] }, submittedAt);
      expect(decision).toMatchObject({ allowed: true });
      expect(decision.allowed && decision.request.callAttempts).toEqual(threeCalls);
    });

    it('does not ask for calls for the other reasons', () => {
      expect(decideNegotiatedCancellationSubmission(codOrder, { reason: 'OUT_OF_STOCK_OVERSOLD_OR_DEFECTIVE' }, submittedAt)).toMatchObject({ allowed: true });
    });

    it('refuses calls declared in the future', () => {
      expect(decideNegotiatedCancellationSubmission(codOrder, { reason: 'BUYER_UNREACHABLE', callAttempts: [...threeCalls.slice(0, 2), at(1)] }, submittedAt)).toMatchObject({
        allowed: false,
        veto: { code: 'CALL_ATTEMPT_IN_FUTURE' },
      });
    });

    it.each(['SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const)('refuses an order in %s', (status) => {
      expect(decideNegotiatedCancellationSubmission({ ...codOrder, status }, { reason: 'BUYER_ASKED_TO_CANCEL' }, submittedAt)).toMatchObject({ allowed: false, veto: { code: 'ORDER_NOT_CANCELLABLE' } });
    });

    it('refuses a second request while one is pending, and an unknown reason', () => {
      expect(decideNegotiatedCancellationSubmission({ ...codOrder, hasPendingRequest: true }, { reason: 'BUYER_ASKED_TO_CANCEL' }, submittedAt)).toMatchObject({
        allowed: false,
        veto: { code: 'NEGOTIATED_CANCELLATION_ALREADY_PENDING' },
      });
      expect(decideNegotiatedCancellationSubmission(codOrder, { reason: 'MOOD' as NegotiatedCancellationReason }, submittedAt)).toMatchObject({
        allowed: false,
        veto: { code: 'UNKNOWN_NEGOTIATED_CANCELLATION_REASON' },
      });
    });
  });

  describe('the 48 h window', () => {
    const lastMoment = at(48 * HOUR - 1);
    const deadline = at(48 * HOUR);

    it('rejects the request when the buyer objects within 48 h', () => {
      expect(decideBuyerObjection(submit(), at(HOUR))).toMatchObject({ allowed: true, request: { status: 'REJECTED', closedAt: at(HOUR) } });
      expect(decideBuyerObjection(submit(), lastMoment)).toMatchObject({ allowed: true, request: { status: 'REJECTED' } });
    });

    it('no longer takes an objection once 48 h have passed', () => {
      expect(decideBuyerObjection(submit(), deadline)).toMatchObject({ allowed: false, veto: { code: 'OBJECTION_WINDOW_CLOSED' } });
    });

    it('lets the merchant withdraw within 48 h, not after', () => {
      expect(decideMerchantWithdrawal(submit(), submittedAt)).toMatchObject({ allowed: true, request: { status: 'WITHDRAWN' } });
      expect(decideMerchantWithdrawal(submit(), lastMoment)).toMatchObject({ allowed: true, request: { status: 'WITHDRAWN' } });
      expect(decideMerchantWithdrawal(submit(), deadline)).toMatchObject({ allowed: false, veto: { code: 'WITHDRAWAL_WINDOW_CLOSED' } });
    });

    it('cancels automatically exactly when 48 h have passed without objection', () => {
      expect(decideAutoCancellation(submit(), lastMoment)).toMatchObject({ allowed: false, veto: { code: 'OBJECTION_WINDOW_OPEN' } });
      expect(decideAutoCancellation(submit(), deadline)).toMatchObject({ allowed: true, request: { status: 'AUTO_CANCELLED', closedAt: deadline } });
    });

    it('is one process whose outcomes are all final', () => {
      expect(NEGOTIATED_CANCELLATION_PROCESS.terminal).toEqual(['REJECTED', 'WITHDRAWN', 'AUTO_CANCELLED']);
      expect(decideBuyerObjection(submit(), at(HOUR))).toMatchObject({ trigger: 'BUYER_OBJECTS', from: 'PENDING', to: 'REJECTED' });
    });

    it('ends in exactly one outcome: a closed request takes no further decision', () => {
      const rejected = (decideBuyerObjection(submit(), at(HOUR)) as { request: NegotiatedCancellationRequest }).request;
      const withdrawn = (decideMerchantWithdrawal(submit(), at(HOUR)) as { request: NegotiatedCancellationRequest }).request;
      const cancelled = (decideAutoCancellation(submit(), deadline) as { request: NegotiatedCancellationRequest }).request;
      for (const closed of [rejected, withdrawn, cancelled]) {
        expect(decideBuyerObjection(closed, at(2 * HOUR))).toMatchObject({ allowed: false, veto: { code: 'NEGOTIATED_CANCELLATION_NOT_PENDING' } });
        expect(decideMerchantWithdrawal(closed, at(2 * HOUR))).toMatchObject({ allowed: false, veto: { code: 'NEGOTIATED_CANCELLATION_NOT_PENDING' } });
        expect(decideAutoCancellation(closed, at(100 * HOUR))).toMatchObject({ allowed: false, veto: { code: 'NEGOTIATED_CANCELLATION_NOT_PENDING' } });
      }
    });
  });
});

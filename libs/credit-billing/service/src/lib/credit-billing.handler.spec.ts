import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CreditHoldDeclined, CreditHoldPlaced, CreditHoldReleased, LoanBooked, OrderCancelled, OrderPlaced, OrderShipped, RefundCompleted, RefundOffsetApplied, RefundOffsetRefused, RepaymentReceived } from '@orderline/shared/contracts';
import { EmbeddedService, eventually } from '@orderline/shared/service-testing';
import { Principal } from '@orderline/shared/service-kit';
import { CreditAccounts } from './app/credit-accounts';
import { Repayments } from './app/repayments';
import { CreditBillingConfig } from './credit-billing-config';
import { CREDIT_BILLING_SERVICE_NAME, CreditBillingServiceModule } from './credit-billing-service.module';

// Handler tier: the credit-billing service's real module on PGlite and the in-process bus, driven
// by the events other services publish and by its public use cases; no HTTP, no Kafka.
describe('credit-billing handlers: hold, capture, refund offset, repayment, release', () => {
  const buyerId = randomUUID();
  const buyer: Principal = { accountId: randomUUID(), role: 'BUYER', buyerId };
  let service: EmbeddedService;
  let accountId: string;

  const placeCreditOrder = async (payable: number) => {
    const orderId = randomUUID();
    const line = { lineId: randomUUID(), skuId: 'sku-kettle', title: 'kettle', unitPrice: payable, quantity: 1, lineTotal: payable };
    await service.publish(OrderPlaced, { orderId, merchantId: randomUUID(), buyerId, paymentMethod: 'CREDIT', credit: { plan: 'INSTALLMENT', periods: 3 }, payable, freight: 0, lines: [line] });
    return { orderId, line };
  };
  const account = () => service.get(CreditAccounts).forBuyer(buyerId, buyer);

  beforeAll(async () => {
    service = await EmbeddedService.start({ name: CREDIT_BILLING_SERVICE_NAME, register: (options) => CreditBillingServiceModule.register(options), configClass: CreditBillingConfig });
    accountId = (await service.get(CreditAccounts).open({ buyerId, creditLimit: 500_000 })).id;
  }, 60_000);

  afterAll(() => service?.stop());

  it('holds a credit order, books the loan when it ships, offsets a refund and takes a repayment, keeping the line whole', async () => {
    const { orderId, line } = await placeCreditOrder(30_000);
    const hold = await service.event(CreditHoldPlaced, (payload) => payload.orderId === orderId);
    expect(hold.payload).toMatchObject({ creditAccountId: accountId, amount: 30_000, availableAfter: 470_000 });

    await service.publish(OrderShipped, { orderId, buyerId, shipmentId: 'shp-1', shippedAmount: 30_000, freight: 0 });
    const loan = await service.event(LoanBooked, (payload) => payload.orderId === orderId);
    expect(loan.payload).toMatchObject({ principal: 30_000, plan: 'INSTALLMENT', periodCount: 3 });
    expect(loan.payload.periods.reduce((sum, period) => sum + period.principal, 0)).toBe(30_000);
    expect(await account()).toMatchObject({ held: 0, outstanding: 30_000, available: 470_000 });

    await service.publish(RefundCompleted, { refundId: `refund-${orderId}`, orderId, buyerId, paymentMethod: 'CREDIT', amount: 6_000, lines: [{ lineId: line.lineId, quantity: 1, amount: 6_000 }] });
    const offset = await service.event(RefundOffsetApplied, (payload) => payload.orderId === orderId);
    expect(offset.payload).toMatchObject({ loanId: loan.payload.loanId, amount: 6_000 });
    expect(offset.payload.principalOffset + offset.payload.balanceCredit).toBe(6_000);
    await eventually(async () => (await account()).outstanding === 24_000, 'the refund to lower what is owed');

    const repayment = await service.get(Repayments).repay(buyerId, buyer, { amount: 1_000, loanId: loan.payload.loanId });
    await service.event(RepaymentReceived, (payload) => payload.repaymentId === repayment.id && payload.amount === 1_000);
    const after = await account();
    // domain.md §4: the line is holds + loans.
    expect(after.available).toBe(after.limit - after.held - after.outstanding);
    // Nothing is billed yet: the repayment waits as the account's balance for the next statement.
    expect(after).toMatchObject({ outstanding: 24_000, balance: 1_000 });
  }, 60_000);

  // The hold's decision reads the account, the order's hold and the plan's product in one
  // statement (issue 19): a copy of OrderPlaced under a new event id must find the hold and
  // change nothing (a second hold would break the order's unique hold and dead-letter the copy).
  it('applies a copy of OrderPlaced under a new event id as a duplicate; declines a buyer without a line', async () => {
    const { orderId, line } = await placeCreditOrder(7_000);
    await service.event(CreditHoldPlaced, (payload) => payload.orderId === orderId);
    const copy = await service.publish(OrderPlaced, { orderId, merchantId: randomUUID(), buyerId, paymentMethod: 'CREDIT', credit: { plan: 'INSTALLMENT', periods: 3 }, payable: 7_000, freight: 0, lines: [line] });
    const inbox = (eventId: string) => service.get(DataSource).query(`SELECT 1 FROM inbox_message WHERE event_id = $1`, [eventId]);
    await eventually(async () => (await inbox(copy.eventId)).length === 1, 'the copy to be applied');
    expect(await account()).toMatchObject({ held: 7_000 });
    await service.publish(OrderCancelled, { orderId, buyerId, paymentMethod: 'CREDIT', reason: 'NO_LONGER_WANTED', cancelledBy: 'BUYER', previousStatus: 'UNPAID' });
    expect((await service.event(CreditHoldReleased, (payload) => payload.orderId === orderId)).payload).toMatchObject({ amount: 7_000 });
    await eventually(async () => (await account()).held === 0, 'the hold to be released');

    const stranger = randomUUID();
    const strangersOrder = randomUUID();
    await service.publish(OrderPlaced, { orderId: strangersOrder, merchantId: randomUUID(), buyerId: stranger, paymentMethod: 'CREDIT', credit: { plan: 'DEFERRED' }, payable: 5_000, freight: 0, lines: [{ ...line, lineId: randomUUID(), unitPrice: 5_000, lineTotal: 5_000 }] });
    expect((await service.event(CreditHoldDeclined, (payload) => payload.orderId === strangersOrder)).payload).toMatchObject({ buyerId: stranger, reason: 'NO_CREDIT_ACCOUNT' });
  }, 30_000);

  // A refund's row is written once, with its outcome, before the change it decides (issue 19):
  // the same refund under a new event id must find the row and write nothing, not even the
  // refusal again (the engine alone would refuse it a second time and publish it twice).
  it('records a refund once: a copy of a refused RefundCompleted under a new event id changes and publishes nothing', async () => {
    const { orderId, line } = await placeCreditOrder(10_000);
    await service.event(CreditHoldPlaced, (payload) => payload.orderId === orderId);
    await service.publish(OrderShipped, { orderId, buyerId, shipmentId: 'shp-refused', shippedAmount: 10_000, freight: 0 });
    await service.event(LoanBooked, (payload) => payload.orderId === orderId);
    const refundId = `refund-too-large-${orderId}`;
    const refund = { refundId, orderId, buyerId, paymentMethod: 'CREDIT' as const, amount: 12_000, lines: [{ lineId: line.lineId, quantity: 1, amount: 12_000 }] };
    await service.publish(RefundCompleted, refund);
    expect((await service.event(RefundOffsetRefused, (payload) => payload.refundId === refundId)).payload).toMatchObject({ reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL', refundable: 10_000 });
    const database = service.get(DataSource);
    const row = async () => (await database.query(`SELECT status, document, applied_at FROM credit_refund WHERE refund_id = $1`, [refundId]))[0];
    const first = await row();
    expect(first).toMatchObject({ status: 'REJECTED', document: { reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL', refundable: 10_000 } });

    const before = await account();
    const copy = await service.publish(RefundCompleted, refund);
    await eventually(async () => (await database.query(`SELECT 1 FROM inbox_message WHERE event_id = $1`, [copy.eventId])).length === 1, 'the copy to be applied');
    const refusals = await database.query(`SELECT count(*)::int AS n FROM outbox_event WHERE event_type = 'RefundOffsetRefused' AND position($1 in envelope) > 0`, [refundId]);
    expect(refusals[0].n).toBe(1);
    expect(await row()).toEqual(first);
    expect(await account()).toEqual(before);
  }, 30_000);

  it('releases the hold of a credit order cancelled before shipment', async () => {
    const { orderId } = await placeCreditOrder(12_000);
    await service.event(CreditHoldPlaced, (payload) => payload.orderId === orderId);
    await service.publish(OrderCancelled, { orderId, buyerId, paymentMethod: 'CREDIT', reason: 'NO_LONGER_WANTED', cancelledBy: 'BUYER', previousStatus: 'UNPAID' });
    expect((await service.event(CreditHoldReleased, (payload) => payload.orderId === orderId)).payload).toMatchObject({ amount: 12_000 });
    await eventually(async () => (await account()).held === 0, 'the hold to be released');
  }, 30_000);
});

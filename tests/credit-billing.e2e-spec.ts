import { randomUUID } from 'node:crypto';
import { ledgerProblems, Loan, loanInvariantProblems, Posting } from '@orderline/credit-billing/domain';
import { OrderPlaced, OrderShipped, RefundCompleted } from '@orderline/shared/contracts';
import { queryDatabase } from './support/databases';
import { EventPublisher } from './support/event-publisher';
import { catalogItems, createBuyer, createMerchant, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(240_000);

const PLATFORM_OFFSET_MS = 8 * 3_600_000;

/** Three SKUs the merchant lists at 199.00 each (domain.md §1.1a: the platform prices the order). */
async function threeItemOrder(merchantId: string) {
  return {
    merchantId,
    items: await catalogItems(merchantId, [
      { skuId: 'kettle', title: 'Kettle', unitPrice: 19_900, quantity: 1 },
      { skuId: 'toaster', title: 'Toaster', unitPrice: 19_900, quantity: 1 },
      { skuId: 'blender', title: 'Blender', unitPrice: 19_900, quantity: 1 },
    ]),
    consignee: { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } },
    paymentMethod: 'CREDIT',
    credit: { plan: 'INSTALLMENT', periods: 6 },
  };
}

/** 00:01 platform time on the first day of the month after `instant`'s platform month, as UTC. */
function nextFirstOfMonth(instant: string): string {
  const local = new Date(Date.parse(instant) + PLATFORM_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1, 0, 1) - PLATFORM_OFFSET_MS).toISOString();
}

describe('credit-billing: loans, statements, repayments and refund offsets (real Kafka + PostgreSQL)', () => {
  const names = isolation('credit');
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stopService(app: string, signal?: string): Promise<void>; startService(app: string): Promise<void>; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let publisher: EventPublisher;

  beforeAll(async () => {
    stack = await startStack({ ...infrastructure(), ...names, basePort: 4500, logDir: 'tmp/test-logs/credit', env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', TEST_CLOCK: '1', BILLING_RUN_INTERVAL_MS: '200', KAFKA_SESSION_TIMEOUT_MS: '6000' } });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  async function loanOf(buyer: GatewayClient, orderId: string, ready: (loan: any) => boolean = () => true) {
    return waitUntil(async () => {
      const [loan] = await buyer.expect(200, 'GET', `/credit/loans?orderId=${orderId}`);
      return loan && ready(loan) ? loan : undefined;
    }, `the loan of ${orderId}`);
  }

  it('runs the headline story to the fen: 6 periods, 2 repaid, partial refund reamortises, full refund voids and credits the balance', async () => {
    const merchantId = await createMerchant(operator);
    const { client: buyer, buyerId, creditAccountId } = await createBuyer(gateway, operator, 1_000_000);
    const order = await buyer.expect(201, 'POST', '/orders', await threeItemOrder(merchantId));
    await waitForStatus(buyer, order.id, 'WAITING_OUTBOUND');
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ held: 59_700, outstanding: 0, available: 940_300 });

    await publisher.publish(OrderShipped, { orderId: order.id, buyerId, shipmentId: 'shipment-1', shippedAmount: 59_700 });
    const booked = await loanOf(buyer, order.id);
    // domain.md §4.3: floor(59 700 / 6) = 9 950 each; fee round(59 700 × 0.50 %) = 299 per period.
    expect(booked.periods.map((p: any) => [p.principal, p.fee, p.status])).toEqual(Array.from({ length: 6 }, () => [9_950, 299, 'SCHEDULED']));
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ held: 0, outstanding: 59_700, available: 940_300 });

    // Two statement days, each statement repaid in full.
    for (const month of [1, 2]) {
      const { now } = await operator.expect(200, 'GET', '/admin/clock');
      await operator.expect(200, 'POST', '/admin/clock', { now: nextFirstOfMonth(now) });
      const statement = await waitUntil(async () => {
        const statements = await buyer.expect(200, 'GET', '/credit/statements');
        return statements.length === month ? statements[0] : undefined;
      }, `statement ${month}`);
      expect(statement.amountDue).toBe(10_249);
      const detail = await buyer.expect(200, 'GET', `/credit/statements/${statement.id}`);
      expect(detail.billedLines).toEqual([expect.objectContaining({ periodIndex: month, principal: 9_950, fee: 299 })]);
      const repayment = await buyer.expect(201, 'POST', '/credit/repayments', { amount: 10_249 });
      expect(repayment).toMatchObject({ principalRepaid: 9_950, feePaid: 299, toBalance: 0 });
    }
    const afterRepayments = await loanOf(buyer, order.id);
    expect(afterRepayments.periods.map((p: any) => p.status)).toEqual(['PAID', 'PAID', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED']);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 39_800, available: 960_200, balance: 0 });

    // Partial refund of one item: the four scheduled periods shrink (REAMORTIZE), fees follow P′ = 39 800.
    await publisher.publish(RefundCompleted, { refundId: 'refund-1', orderId: order.id, buyerId, paymentMethod: 'CREDIT', amount: 19_900, lines: [{ lineId: order.lines[0].id, quantity: 1, amount: 19_900 }] });
    const partial = await loanOf(buyer, order.id, (loan) => loan.refundedPrincipal === 19_900);
    expect(partial.periods.map((p: any) => [p.principal, p.fee, p.status])).toEqual([
      [9_950, 299, 'PAID'],
      [9_950, 299, 'PAID'],
      [4_975, 199, 'SCHEDULED'],
      [4_975, 199, 'SCHEDULED'],
      [4_975, 199, 'SCHEDULED'],
      [4_975, 199, 'SCHEDULED'],
    ]);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 19_900, balance: 0 });

    // Full refund of the rest: the scheduled periods are voided, the repaid principal goes to the balance.
    await publisher.publish(RefundCompleted, { refundId: 'refund-2', orderId: order.id, buyerId, paymentMethod: 'CREDIT', amount: 39_800, lines: [{ lineId: order.lines[1].id, quantity: 1, amount: 19_900 }, { lineId: order.lines[2].id, quantity: 1, amount: 19_900 }] });
    const full = await loanOf(buyer, order.id, (loan) => loan.settled);
    expect(full.periods.map((p: any) => [p.principal, p.fee, p.status])).toEqual([
      [9_950, 299, 'PAID'],
      [9_950, 299, 'PAID'],
      [0, 0, 'VOIDED'],
      [0, 0, 'VOIDED'],
      [0, 0, 'VOIDED'],
      [0, 0, 'VOIDED'],
    ]);
    const account = await buyer.expect(200, 'GET', '/credit/account');
    expect(account).toMatchObject({ limit: 1_000_000, held: 0, outstanding: 0, balance: 19_900, available: 1_000_000 });

    // The same refunds delivered again (new event ids, same refund ids) change nothing.
    await publisher.publish(RefundCompleted, { refundId: 'refund-2', orderId: order.id, buyerId, paymentMethod: 'CREDIT', amount: 39_800, lines: [] });
    await publisher.publish(RefundCompleted, { refundId: 'refund-1', orderId: order.id, buyerId, paymentMethod: 'CREDIT', amount: 19_900, lines: [] });
    await waitUntil(async () => (await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT count(*)::int AS n FROM inbox_message WHERE event_type = 'RefundCompleted'`))[0].n === 4, 'the duplicates to be consumed');
    expect(await buyer.expect(200, 'GET', '/credit/account')).toEqual(account);

    // The ledger balances and shows what happened.
    const postings = await operator.expect(200, 'GET', `/credit/ledger?accountId=${creditAccountId}`);
    let debits = 0;
    let credits = 0;
    for (const posting of postings) {
      for (const entry of posting.entries) {
        if (entry.side === 'DEBIT') debits += entry.amount;
        else credits += entry.amount;
      }
    }
    expect(debits).toBe(credits);
    expect(postings.map((p: any) => p.kind)).toEqual(expect.arrayContaining(['HOLD_PLACED', 'HOLD_CAPTURED', 'LOAN_BOOKED', 'FEE_CHARGED', 'REPAYMENT', 'REFUND_OFFSET']));
    // The property test's §4.6 reference checks, on the real postings and loans: every posting
    // balanced, none twice, and per loan booked = repaid + offset + outstanding (loan and ledger agree).
    expect(ledgerProblems(postings as Posting[])).toEqual([]);
    const loans = await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT document FROM loan WHERE credit_account_id = $1`, [creditAccountId]);
    expect(loans).toHaveLength(1);
    for (const { document } of loans) expect(loanInvariantProblems(document as Loan, postings as Posting[])).toEqual([]);
    const events = await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT event_type FROM outbox_event WHERE envelope::jsonb -> 'payload' ->> 'orderId' = $1 ORDER BY id`, [order.id]);
    expect(events.map((e) => e.event_type)).toEqual(['CreditHoldPlaced', 'LoanBooked', 'RefundOffsetApplied', 'RefundOffsetApplied', 'LoanSettled']);
  });

  it('captures a partial shipment and releases the rest; a refund before the loan is parked, also one that arrives before the OrderShipped of its order', async () => {
    const merchantId = await createMerchant(operator);
    const { client: buyer, buyerId } = await createBuyer(gateway, operator, 1_000_000);
    const partly = await buyer.expect(201, 'POST', '/orders', await threeItemOrder(merchantId));
    const refunded = await buyer.expect(201, 'POST', '/orders', await threeItemOrder(merchantId));
    await Promise.all([waitForStatus(buyer, partly.id, 'WAITING_OUTBOUND'), waitForStatus(buyer, refunded.id, 'WAITING_OUTBOUND')]);

    await publisher.publish(OrderShipped, { orderId: partly.id, buyerId, shipmentId: 's-part', shippedAmount: 39_800 });
    const loan = await loanOf(buyer, partly.id);
    expect(loan.principal).toBe(39_800);
    // A return's refund can arrive before the order's OrderShipped (another topic). After-sales
    // grants refunds of shipped orders only, so credit-billing parks it until the shipment books
    // the loan (docs/rules.md §4.5, decision "event order"), and never releases the hold for it.
    await publisher.publish(RefundCompleted, { refundId: `r-${refunded.id}`, orderId: refunded.id, buyerId, paymentMethod: 'CREDIT', amount: 19_900, lines: [] });
    await waitUntil(async () => (await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT status FROM credit_refund WHERE order_id = $1`, [refunded.id]))[0]?.status === 'PARKED', 'the early refund to be parked');
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ held: 59_700, outstanding: 39_800, available: 1_000_000 - 99_500 });
    // The shipment then books the whole order and applies the parked refund to the loan.
    await publisher.publish(OrderShipped, { orderId: refunded.id, buyerId, shipmentId: 's-rest', shippedAmount: 59_700 });
    const refundedLoan = await loanOf(buyer, refunded.id, (l) => l.refundedPrincipal === 19_900);
    expect(refundedLoan.principal).toBe(59_700);
    const account = await waitUntil(async () => {
      const current = await buyer.expect(200, 'GET', '/credit/account');
      return current.held === 0 ? current : undefined;
    }, 'the capture with the parked refund');
    expect(account).toMatchObject({ held: 0, outstanding: 79_600, available: 1_000_000 - 79_600 });

    // A refund for an order credit-billing has not heard of is parked (domain.md §4.5 rule 7) and
    // applied once the loan exists. The order events are published as order-service would.
    const early = randomUUID();
    await publisher.publish(RefundCompleted, { refundId: `early-${early}`, orderId: early, buyerId, paymentMethod: 'CREDIT', amount: 6_000, lines: [] });
    await waitUntil(async () => (await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT status FROM credit_refund WHERE order_id = $1`, [early]))[0]?.status === 'PARKED', 'the refund to be parked');
    await publisher.publish(OrderPlaced, {
      orderId: early,
      merchantId,
      buyerId,
      paymentMethod: 'CREDIT',
      payable: 30_000,
      freight: 0,
      credit: { plan: 'INSTALLMENT', periods: 3 },
      lines: [{ lineId: randomUUID(), skuId: 'x', title: 'X', unitPrice: 30_000, quantity: 1, lineTotal: 30_000 }],
    } as never);
    await waitUntil(async () => (await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT status FROM credit_hold WHERE order_id = $1`, [early]))[0]?.status === 'ACTIVE', 'the hold');
    await publisher.publish(OrderShipped, { orderId: early, buyerId, shipmentId: 's-early', shippedAmount: 30_000 });
    const offset = await loanOf(buyer, early, (l) => l.refundedPrincipal === 6_000);
    // 30 000 over 3 periods = 10 000 each; 6 000 re-spread over the three scheduled periods.
    expect(offset.periods.map((p: any) => p.principal)).toEqual([8_000, 8_000, 8_000]);
  });

  it('never grants more than the line across 100 concurrent orders', async () => {
    const merchantId = await createMerchant(operator);
    const { client: buyer } = await createBuyer(gateway, operator, 100_000);
    const body = { ...(await threeItemOrder(merchantId)), items: await catalogItems(merchantId, [{ skuId: 'x', title: 'X', unitPrice: 1_500, quantity: 1 }]), credit: { plan: 'DEFERRED' } };
    const placed = await Promise.all(Array.from({ length: 100 }, () => buyer.expect(201, 'POST', '/orders', body)));
    const settled = await Promise.all(placed.map((o) => waitUntil(async () => {
      const current = await buyer.expect(200, 'GET', `/orders/${o.id}`);
      return current.status === 'UNPAID' ? undefined : current;
    }, 'orders to settle', 60_000)));
    expect(settled.filter((o) => o.status === 'WAITING_OUTBOUND')).toHaveLength(66);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ held: 99_000, available: 1_000 });
  });

  it('serialises 50 concurrent refunds and repayments on one loan without losing a fen, and refuses an over-refund', async () => {
    const merchantId = await createMerchant(operator);
    const { client: buyer, buyerId } = await createBuyer(gateway, operator, 1_000_000);
    const order = await buyer.expect(201, 'POST', '/orders', await threeItemOrder(merchantId));
    await waitForStatus(buyer, order.id, 'WAITING_OUTBOUND');
    await publisher.publish(OrderShipped, { orderId: order.id, buyerId, shipmentId: 's', shippedAmount: 59_700 });
    await loanOf(buyer, order.id);

    await Promise.all([
      ...Array.from({ length: 25 }, (_, i) => publisher.publish(RefundCompleted, { refundId: `c-${order.id}-${i}`, orderId: order.id, buyerId, paymentMethod: 'CREDIT', amount: 1_000, lines: [] })),
      ...Array.from({ length: 25 }, () => buyer.expect(201, 'POST', '/credit/repayments', { amount: 500 })),
    ]);
    const loan = await loanOf(buyer, order.id, (l) => l.refundedPrincipal === 25_000);
    // Nothing was billed yet: repayments had nothing due and went to the balance.
    expect(loan.outstandingPrincipal).toBe(59_700 - 25_000);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 34_700, balance: 12_500 });

    await publisher.publish(RefundCompleted, { refundId: `over-${order.id}`, orderId: order.id, buyerId, paymentMethod: 'CREDIT', amount: 34_701, lines: [] });
    await waitUntil(async () => (await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT status FROM credit_refund WHERE refund_id = $1`, [`over-${order.id}`]))[0]?.status === 'REJECTED', 'the over-refund to be refused');
    expect((await loanOf(buyer, order.id)).outstandingPrincipal).toBe(34_700);
  });

  it('turns an unpaid period overdue with a daily late fee, and a repayment pays the late fee first', async () => {
    const merchantId = await createMerchant(operator);
    const { client: buyer, buyerId } = await createBuyer(gateway, operator, 1_000_000);
    const order = await buyer.expect(201, 'POST', '/orders', await threeItemOrder(merchantId));
    await waitForStatus(buyer, order.id, 'WAITING_OUTBOUND');
    await publisher.publish(OrderShipped, { orderId: order.id, buyerId, shipmentId: 's', shippedAmount: 59_700 });
    const loan = await loanOf(buyer, order.id);
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    // The platform clock is past the statement day of period 1 (earlier tests moved it); jump to
    // the start of the 3rd day after period 1's due date.
    const due = loan.periods[0].dueDate as string;
    const target = new Date(Date.parse(`${due}T00:01:00Z`) + 3 * 86_400_000 - PLATFORM_OFFSET_MS);
    if (target.getTime() > Date.parse(now)) await operator.expect(200, 'POST', '/admin/clock', { now: target.toISOString() });
    const overdue = await loanOf(buyer, order.id, (l) => l.periods[0].status === 'OVERDUE');
    // domain.md §4.4: round(9 950 × 0.05 %) = 5 fen for each completed overdue day (days due+1 and due+2).
    expect(overdue.periods[0]).toMatchObject({ status: 'OVERDUE', principal: 9_950, fee: 299, lateFee: 10 });
    const repayment = await buyer.expect(201, 'POST', '/credit/repayments', { amount: 10_259 });
    expect(repayment).toMatchObject({ lateFeePaid: 10, feePaid: 299, principalRepaid: 9_950, toBalance: 0 });
    expect((await loanOf(buyer, order.id)).periods[0].status).toBe('PAID');
  });

  it('lets operators manage products: a LAST_FIRST default shortens the plan on a refund', async () => {
    const products = await operator.expect(200, 'GET', '/credit/products');
    expect(products.map((p: any) => p.planType).sort()).toEqual(['DEFERRED', 'INSTALLMENT']);
    expect(await operator.request('PUT', '/credit/products', { code: 'BAD', planType: 'INSTALLMENT', allowedPeriodCounts: [5] })).toMatchObject({ status: 400 });
    await operator.expect(200, 'PUT', '/credit/products', { code: 'LAST_FIRST_PLAN', planType: 'INSTALLMENT', refundAllocationRule: 'LAST_FIRST', isDefault: true });
    const merchantId = await createMerchant(operator);
    const { client: buyer, buyerId } = await createBuyer(gateway, operator, 1_000_000);
    const order = await buyer.expect(201, 'POST', '/orders', await threeItemOrder(merchantId));
    await waitForStatus(buyer, order.id, 'WAITING_OUTBOUND');
    await publisher.publish(OrderShipped, { orderId: order.id, buyerId, shipmentId: 's', shippedAmount: 59_700 });
    await loanOf(buyer, order.id);
    await publisher.publish(RefundCompleted, { refundId: `lf-${order.id}`, orderId: order.id, buyerId, paymentMethod: 'CREDIT', amount: 19_900, lines: [] });
    const loan = await loanOf(buyer, order.id, (l) => l.refundedPrincipal === 19_900);
    // Taken from the last period backwards: periods 6 and 5 drop to zero and are voided (domain.md §4.5 rule 2).
    expect(loan.productCode).toBe('LAST_FIRST_PLAN');
    expect(loan.periods.map((p: any) => [p.principal, p.status])).toEqual([
      [9_950, 'SCHEDULED'],
      [9_950, 'SCHEDULED'],
      [9_950, 'SCHEDULED'],
      [9_950, 'SCHEDULED'],
      [0, 'VOIDED'],
      [0, 'VOIDED'],
    ]);
    // Back to the default product for the other tests of this stack.
    await operator.expect(200, 'PUT', '/credit/products', { code: products.find((p: any) => p.planType === 'INSTALLMENT' && p.isDefault).code, planType: 'INSTALLMENT', isDefault: true });
  });

  it('answers credit requests with problems, not 500s', async () => {
    const { client: buyer } = await createBuyer(gateway, operator, 10_000);
    expect(await buyer.request('POST', '/credit/repayments', { amount: 0.5 })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await buyer.request('POST', '/credit/repayments', { amount: -1 })).toMatchObject({ status: 400 });
    expect(await buyer.request('POST', '/credit/repayments', { amount: 100, loanId: randomUUID() })).toMatchObject({ status: 404 });
    expect(await buyer.request('GET', `/credit/statements/${randomUUID()}`)).toMatchObject({ status: 404 });
    expect(await buyer.request('GET', '/credit/loans?orderId=nope')).toMatchObject({ status: 400 });
    expect(await buyer.request('GET', '/credit/ledger?accountId=x')).toMatchObject({ status: 403 });
  });

  // Found by `npm run chaos`: the test clock's offset lived only in memory, so a restarted gateway
  // pushed 0, and a restarted service ran weeks in the past until the next push (a loan booked
  // then sat before its account's statement date, and every call on the account answered 500).
  it('keeps the test clock across SIGKILLs: a restarted gateway or service resumes the offset', async () => {
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 3 * 86_400 });
    const before = await operator.expect(200, 'GET', '/admin/clock');
    expect(before.offsetMs).toBeGreaterThanOrEqual(3 * 86_400_000);
    await stack.stopService('gateway', 'SIGKILL');
    await stack.startService('gateway');
    // Before the fix the restarted gateway stayed at offset 0 for ever (and pushed it on).
    expect((await operator.expect(200, 'GET', '/admin/clock')).offsetMs).toBeGreaterThanOrEqual(before.offsetMs);
    // A restarted service reads the platform time before it serves: at once, not after a push.
    await stack.stopService('credit-billing-service', 'SIGKILL');
    await stack.startService('credit-billing-service');
    const restarted = await operator.expect(200, 'GET', '/admin/clock');
    expect(Date.parse(restarted.services['credit-billing'])).toBeGreaterThanOrEqual(Date.parse(before.now));
  });
});

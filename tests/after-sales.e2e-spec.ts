import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { queryDatabase } from './support/databases';
import { deliverOrder, loanOf, merchantAccount, refunded, returnAndRefund, shipOrder } from './support/after-sales-steps';
import { EventPublisher } from './support/event-publisher';
import { catalogItems, createBuyer, GatewayClient, operatorOf, setFreightRule, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(240_000);

const PLATFORM_OFFSET_MS = 8 * 3_600_000;
const CONSIGNEE = { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };

/** An order of SKUs the merchant lists at these prices, with its flat freight (domain.md §1.1a). */
async function order(merchantId: string, items: Array<[string, number, number]>, payment: Record<string, unknown>, freight = 0) {
  await setFreightRule(merchantId, freight);
  return { merchantId, items: await catalogItems(merchantId, items.map(([skuId, unitPrice, quantity]) => ({ skuId, title: skuId, unitPrice, quantity }))), consignee: CONSIGNEE, ...payment };
}
const INSTALLMENT_6 = { paymentMethod: 'CREDIT', credit: { plan: 'INSTALLMENT', periods: 6 } };
const THREE_ITEMS: Array<[string, number, number]> = [
  ['kettle', 19_900, 1],
  ['toaster', 19_900, 1],
  ['blender', 19_900, 1],
];

/** 00:01 platform time on the first day of the month after `instant`'s platform month, as UTC. */
function nextFirstOfMonth(instant: string): string {
  const local = new Date(Date.parse(instant) + PLATFORM_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1, 0, 1) - PLATFORM_OFFSET_MS).toISOString();
}

const shape = (loan: any) => loan.periods.map((p: any) => [p.principal, p.fee, p.status]);

describe('after-sales: returns, refunds and the refund saga to the bill (real Kafka + PostgreSQL)', () => {
  const names = isolation('aftersales');
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let publisher: EventPublisher;
  let merchant: { id: string; client: GatewayClient };

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 5000,
      logDir: 'tmp/test-logs/after-sales',
      env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', TEST_CLOCK: '1', BILLING_RUN_INTERVAL_MS: '200', AFTER_SALES_TIMER_INTERVAL_MS: '200', ORDER_TIMER_INTERVAL_MS: '500' },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
    merchant = await merchantAccount(gateway, operator);
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  async function creditBuyer(limit = 1_000_000) {
    return createBuyer(gateway, operator, limit);
  }

  async function advanceToNextStatementDay(): Promise<void> {
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    await operator.expect(200, 'POST', '/admin/clock', { now: nextFirstOfMonth(now) });
  }

  it('runs the demo story to the fen: 6 periods, 2 repaid, one item returned (periods shrink), the rest returned (periods voided, repaid principal to the balance)', async () => {
    const { client: buyer, creditAccountId } = await creditBuyer();
    const placed = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, THREE_ITEMS, INSTALLMENT_6));
    await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    const refundable = await shipOrder(merchant.client, buyer, placed.id);
    expect(refundable).toMatchObject({ paid: 59_700, refunded: 0, paymentMethod: 'CREDIT' });
    expect(refundable.lines.map((l: any) => [l.paid, l.returnableQuantity])).toEqual([[19_900, 1], [19_900, 1], [19_900, 1]]);
    expect(shape(await loanOf(buyer, placed.id))).toEqual(Array.from({ length: 6 }, () => [9_950, 299, 'SCHEDULED']));

    for (const month of [1, 2]) {
      await advanceToNextStatementDay();
      const statement = await waitUntil(async () => {
        const statements = await buyer.expect(200, 'GET', '/credit/statements');
        return statements.length === month ? statements[0] : undefined;
      }, `statement ${month}`);
      expect(statement.amountDue).toBe(10_249);
      await buyer.expect(201, 'POST', '/credit/repayments', { amount: 10_249 });
    }
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 39_800, balance: 0 });

    // One item back: a partial refund of 199.00; the four scheduled periods shrink (REAMORTIZE), fees follow P′.
    const first = await returnAndRefund(buyer, merchant.client, placed.id, [{ lineId: placed.lines[0].id, quantity: 1 }]);
    expect(first).toMatchObject({ status: 'REFUNDED', refund: { amount: 19_900, status: 'COMPLETED', lines: [{ lineId: placed.lines[0].id, quantity: 1, amount: 19_900 }] } });
    expect(first.refund?.settlements).toEqual([expect.objectContaining({ method: 'CREDIT', amount: 19_900, status: 'SETTLED', idempotencyKey: `refund:${first.refund?.id}:CREDIT` })]);
    expect(first.history.map((h: any) => h.to)).toEqual(['REQUESTED', 'APPROVED', 'RETURN_IN_TRANSIT', 'RECEIVED', 'REFUND_PENDING', 'REFUNDED']);
    const partial = await loanOf(buyer, placed.id, (loan) => loan.refundedPrincipal === 19_900);
    expect(shape(partial)).toEqual([
      [9_950, 299, 'PAID'],
      [9_950, 299, 'PAID'],
      [4_975, 199, 'SCHEDULED'],
      [4_975, 199, 'SCHEDULED'],
      [4_975, 199, 'SCHEDULED'],
      [4_975, 199, 'SCHEDULED'],
    ]);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 19_900, balance: 0 });

    // The same line cannot be returned twice.
    const again = await buyer.request('POST', '/after-sales', { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId: placed.lines[0].id, quantity: 1 }], reason: 'DEFECTIVE' });
    expect(again).toMatchObject({ status: 409, body: { code: 'QUANTITY_NOT_RETURNABLE' } });

    // The rest back: the scheduled periods are voided, the repaid principal goes to the balance.
    const rest = await returnAndRefund(buyer, merchant.client, placed.id, [
      { lineId: placed.lines[1].id, quantity: 1 },
      { lineId: placed.lines[2].id, quantity: 1 },
    ]);
    expect(rest.refund?.amount).toBe(39_800);
    const full = await loanOf(buyer, placed.id, (loan) => loan.settled);
    expect(shape(full)).toEqual([
      [9_950, 299, 'PAID'],
      [9_950, 299, 'PAID'],
      [0, 0, 'VOIDED'],
      [0, 0, 'VOIDED'],
      [0, 0, 'VOIDED'],
      [0, 0, 'VOIDED'],
    ]);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ limit: 1_000_000, held: 0, outstanding: 0, balance: 19_900, available: 1_000_000 });
    expect(await buyer.expect(200, 'GET', `/after-sales/refundable?orderId=${placed.id}`)).toMatchObject({ refunded: 59_700 });

    // Each refund was offset exactly once, by its refund id; the ledger balances.
    const offsets = await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT refund_id, status, amount::int AS amount FROM credit_refund WHERE order_id = $1 ORDER BY received_at`, [placed.id]);
    expect(offsets).toEqual([
      { refund_id: first.refund?.id, status: 'APPLIED', amount: 19_900 },
      { refund_id: rest.refund?.id, status: 'APPLIED', amount: 39_800 },
    ]);
    const postings = await operator.expect(200, 'GET', `/credit/ledger?accountId=${creditAccountId}`);
    const sides = postings.flatMap((p: any) => p.entries).reduce((sum: Record<string, number>, e: any) => ({ ...sum, [e.side]: (sum[e.side] ?? 0) + e.amount }), {});
    expect(sides.DEBIT).toBe(sides.CREDIT);
    const events = await queryDatabase(stack.databaseUrl('after_sales'), `SELECT event_type FROM outbox_event WHERE envelope::jsonb -> 'payload' ->> 'orderId' = $1 ORDER BY id`, [placed.id]);
    expect(events.map((e) => e.event_type)).toEqual([
      ...['AfterSalesRequested', 'AfterSalesApproved', 'ReturnShipmentRegistered', 'ReturnReceived', 'RefundCompleted'],
      ...['AfterSalesRequested', 'AfterSalesApproved', 'ReturnShipmentRegistered', 'ReturnReceived', 'RefundCompleted'],
    ]);

    // The order shows both requests and what was refunded (domain.md §1.10 after-sales links).
    const view = await waitUntil(async () => {
      const current = await buyer.expect(200, 'GET', `/orders/${placed.id}`);
      return current.refundedAmount === 59_700 && current.afterSales.every((a: any) => a.status === 'REFUNDED') && current;
    }, 'the order to show the refunds');
    expect(view.afterSales.map((a: any) => [a.id, a.type, a.status, a.link])).toEqual([
      [first.id, 'RETURN_AND_REFUND', 'REFUNDED', `/api/v1/after-sales/${first.id}`],
      [rest.id, 'RETURN_AND_REFUND', 'REFUNDED', `/api/v1/after-sales/${rest.id}`],
    ]);
    expect(view.refunds.map((r: any) => r.amount)).toEqual([19_900, 39_800]);
    const row = (await merchant.client.expect(200, 'GET', `/merchant/orders?hasAfterSales=true&orderId=${placed.id}`)).items[0];
    // Links in the merchant list point at the merchant routes (issue 12).
    expect(row.afterSalesLinks).toEqual([`/api/v1/merchant/after-sales/${first.id}`, `/api/v1/merchant/after-sales/${rest.id}`]);
  });

  it('leaves the same principal owed whether the refund arrives before or after the statement', async () => {
    const before = await creditBuyer();
    const after = await creditBuyer();
    const early = await before.client.expect(201, 'POST', '/orders', await order(merchant.id, THREE_ITEMS, INSTALLMENT_6));
    const late = await after.client.expect(201, 'POST', '/orders', await order(merchant.id, THREE_ITEMS, INSTALLMENT_6));
    await Promise.all([waitForStatus(before.client, early.id, 'WAITING_OUTBOUND'), waitForStatus(after.client, late.id, 'WAITING_OUTBOUND')]);
    await Promise.all([shipOrder(merchant.client, before.client, early.id), shipOrder(merchant.client, after.client, late.id)]);
    await Promise.all([loanOf(before.client, early.id), loanOf(after.client, late.id)]);

    // Before the statement: all six periods are scheduled and shrink: 39 800 / 6 → 6 635 + 5 × 6 633.
    await returnAndRefund(before.client, merchant.client, early.id, [{ lineId: early.lines[0].id, quantity: 1 }]);
    const reamortised = await loanOf(before.client, early.id, (loan) => loan.refundedPrincipal === 19_900);
    expect(shape(reamortised)).toEqual([[6_635, 199, 'SCHEDULED'], ...Array.from({ length: 5 }, () => [6_633, 199, 'SCHEDULED'])]);

    // After the statement: period 1 stays as billed (9 950 + 299); the five scheduled periods take the refund: 29 850 / 5.
    await advanceToNextStatementDay();
    await loanOf(after.client, late.id, (loan) => loan.periods[0].status === 'BILLED');
    await returnAndRefund(after.client, merchant.client, late.id, [{ lineId: late.lines[0].id, quantity: 1 }]);
    const billed = await loanOf(after.client, late.id, (loan) => loan.refundedPrincipal === 19_900);
    expect(shape(billed)).toEqual([[9_950, 299, 'BILLED'], ...Array.from({ length: 5 }, () => [5_970, 199, 'SCHEDULED'])]);

    // domain.md §4.5 rule 6: the same principal is owed either way.
    const [a, b] = await Promise.all([before.client.expect(200, 'GET', '/credit/account'), after.client.expect(200, 'GET', '/credit/account')]);
    expect(a.outstanding - a.balance).toBe(39_800);
    expect(b.outstanding - b.balance).toBe(39_800);
  });

  it('recomputes the deferral fee for a partial return within the interest-free period, keeps it after', async () => {
    const products = await operator.expect(200, 'GET', '/credit/products');
    const standard = products.find((p: any) => p.planType === 'DEFERRED' && p.isDefault);
    await operator.expect(200, 'PUT', '/credit/products', { code: 'DEFERRED_FEE_1PCT', planType: 'DEFERRED', deferralFeeRatePpm: 10_000, isDefault: true });
    try {
      const { client: buyer } = await creditBuyer();
      const deferred = { paymentMethod: 'CREDIT', credit: { plan: 'DEFERRED' } };
      const items: Array<[string, number, number]> = [
        ['coat', 30_000, 1],
        ['scarf', 20_000, 1],
      ];
      const within = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, items, deferred));
      const later = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, items, deferred));
      await Promise.all([waitForStatus(buyer, within.id, 'WAITING_OUTBOUND'), waitForStatus(buyer, later.id, 'WAITING_OUTBOUND')]);
      await Promise.all([shipOrder(merchant.client, buyer, within.id), shipOrder(merchant.client, buyer, later.id)]);
      // round(50 000 × 1 %) = 500 deferral fee, billed with the principal.
      expect(shape(await loanOf(buyer, later.id))).toEqual([[50_000, 500, 'SCHEDULED']]);

      await returnAndRefund(buyer, merchant.client, within.id, [{ lineId: within.lines[1].id, quantity: 1 }]);
      const inside = await loanOf(buyer, within.id, (loan) => loan.refundedPrincipal === 20_000);
      // Within the interest-free period the fee follows P′: round(30 000 × 1 %) = 300.
      expect(shape(inside)).toEqual([[30_000, 300, 'SCHEDULED']]);

      // Past the due date of the deferred period (interest-free period over): the fee stays 500.
      const due = (await loanOf(buyer, later.id)).periods[0].dueDate as string;
      await operator.expect(200, 'POST', '/admin/clock', { now: new Date(Date.parse(`${due}T00:01:00Z`) + 2 * 86_400_000 - PLATFORM_OFFSET_MS).toISOString() });
      await loanOf(buyer, later.id, (loan) => loan.periods[0].status === 'OVERDUE');
      await returnAndRefund(buyer, merchant.client, later.id, [{ lineId: later.lines[1].id, quantity: 1 }]);
      const outside = await loanOf(buyer, later.id, (loan) => loan.refundedPrincipal === 20_000);
      // The overdue period keeps its billed principal; the refund is credited against it (domain.md §4.5 rules 2-3).
      expect(outside).toMatchObject({ outstandingPrincipal: 30_000 });
      expect(outside.periods[0]).toMatchObject({ principal: 50_000, credited: 20_000, fee: 500, status: 'OVERDUE' });
    } finally {
      await operator.expect(200, 'PUT', '/credit/products', { code: standard.code, planType: 'DEFERRED', isDefault: true });
    }
  });

  it('refunds an online-paid order through the payment port, freight allocated, and a COD order as a recorded payout', async () => {
    const { client: buyer } = await creditBuyer();
    // goods 10 000 + 2 × 5 000 = 20 000, freight 1 000 → paid 21 000; each line carries 500 of freight.
    const online = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, [['lamp', 10_000, 1], ['bulb', 5_000, 2]], { paymentMethod: 'ONLINE' }, 1_000));
    await buyer.expect(200, 'POST', `/orders/${online.id}/pay`);
    await waitForStatus(buyer, online.id, 'WAITING_OUTBOUND');
    const shipped = await shipOrder(merchant.client, buyer, online.id);
    expect(shipped.lines.map((l: any) => [l.gross, l.freightShare, l.paid])).toEqual([[10_000, 500, 10_500], [10_000, 500, 10_500]]);

    // One of two bulbs: half of the line's 10 500.
    const applied = await returnAndRefund(buyer, merchant.client, online.id, [{ lineId: online.lines[1].id, quantity: 1 }]);
    const done = await refunded(buyer, applied.id);
    expect(done.refund).toMatchObject({ amount: 5_250, status: 'COMPLETED' });
    expect(done.refund.settlements).toEqual([expect.objectContaining({ method: 'ONLINE', amount: 5_250, status: 'SETTLED', provider: 'SIMULATED', reference: expect.stringMatching(/^sim-refund-/), idempotencyKey: `refund:${done.refund.id}:ONLINE` })]);

    const cod = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, [['mug', 3_333, 3]], { paymentMethod: 'COD' }, 1));
    await waitForStatus(buyer, cod.id, 'WAITING_OUTBOUND');
    await shipOrder(merchant.client, buyer, cod.id);
    // 3 × 3 333 + 1 = 10 000 paid; units are worth floor(10 000 × n / 3): 3 333, then 3 333, then 3 334.
    const one = await refunded(buyer, (await returnAndRefund(buyer, merchant.client, cod.id, [{ lineId: cod.lines[0].id, quantity: 1 }])).id);
    const two = await refunded(buyer, (await returnAndRefund(buyer, merchant.client, cod.id, [{ lineId: cod.lines[0].id, quantity: 2 }])).id);
    expect([one.refund.amount, two.refund.amount]).toEqual([3_333, 6_667]);
    expect(two.refund.settlements).toEqual([expect.objectContaining({ method: 'COD', provider: 'COD_RECORDED', reference: `cod-payout:${two.refund.id}` })]);

    const completed = await queryDatabase(stack.databaseUrl('after_sales'), `SELECT envelope::jsonb -> 'payload' AS payload FROM outbox_event WHERE event_type = 'RefundCompleted' AND envelope::jsonb -> 'payload' ->> 'orderId' = $1 ORDER BY id`, [cod.id]);
    expect(completed.map((e) => [e.payload.paymentMethod, e.payload.amount, e.payload.orderRefundedTotal, e.payload.orderPaid])).toEqual([
      ['COD', 3_333, 3_333, 10_000],
      ['COD', 6_667, 10_000, 10_000],
    ]);
  });

  it('approves automatically when the merchant lets the review deadline pass (test clock)', async () => {
    const { client: buyer } = await creditBuyer();
    const placed = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, [['chair', 8_000, 2]], INSTALLMENT_6));
    await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    await shipOrder(merchant.client, buyer, placed.id);
    const apply = () => buyer.expect(201, 'POST', '/after-sales', { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId: placed.lines[0].id, quantity: 1 }], reason: 'NOT_AS_DESCRIBED' });
    const first = await apply();
    expect(first.status).toBe('REQUESTED');
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    expect(Date.parse(first.reviewDeadline) - Date.parse(now)).toBeGreaterThan(47 * 3_600_000);

    // 47 h later a second request; 2 h after that only the first one's 48 h have run out.
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 47 * 3_600 });
    const second = await apply();
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 2 * 3_600 });
    const approved = await waitUntil(async () => {
      const request = await buyer.expect(200, 'GET', `/after-sales/${first.id}`);
      return request.status === 'APPROVED' ? request : undefined;
    }, 'the automatic approval');
    expect(approved.review).toMatchObject({ decision: 'APPROVED', by: 'SYSTEM' });
    expect(approved.history[1]).toMatchObject({ to: 'APPROVED', actor: 'system:review-deadline', note: 'REVIEW_DEADLINE_PASSED' });
    expect((await buyer.expect(200, 'GET', `/after-sales/${second.id}`)).status).toBe('REQUESTED');
    // Too late for the merchant to reject the first; the second is still theirs to answer.
    expect(await merchant.client.request('POST', `/merchant/after-sales/${first.id}/reject`, { reason: 'late' })).toMatchObject({ status: 409, body: { code: 'INVALID_AFTER_SALES_TRANSITION' } });
    expect(await merchant.client.expect(200, 'POST', `/merchant/after-sales/${second.id}/reject`, { reason: 'Not as described is not true' })).toMatchObject({ status: 'REJECTED' });
  });

  it('refunds goods never delivered without a return (refund-only), and refuses refund-only after delivery', async () => {
    const { client: buyer } = await creditBuyer();
    const lost = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, [['vase', 12_000, 1], ['card', 500, 1]], INSTALLMENT_6));
    await waitForStatus(buyer, lost.id, 'WAITING_OUTBOUND');
    await shipOrder(merchant.client, buyer, lost.id);
    await loanOf(buyer, lost.id);
    const applied = await buyer.expect(201, 'POST', '/after-sales', { orderId: lost.id, type: 'REFUND_ONLY', lines: lost.lines.map((l: any) => ({ lineId: l.id, quantity: 1 })), reason: 'NOT_RECEIVED' });
    const approved = await merchant.client.expect(200, 'POST', `/merchant/after-sales/${applied.id}/approve`);
    expect(approved).toMatchObject({ status: 'REFUNDED', returnShipment: null, refund: { amount: 12_500 } });
    expect(await buyer.request('POST', `/after-sales/${applied.id}/return-shipment`, { pickup: true })).toMatchObject({ status: 409, body: { code: 'NOT_FOR_THIS_TYPE' } });
    const loan = await loanOf(buyer, lost.id, (l) => l.settled);
    expect(loan.refundedPrincipal).toBe(12_500);

    const arrived = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, [['vase', 12_000, 1]], INSTALLMENT_6));
    await waitForStatus(buyer, arrived.id, 'WAITING_OUTBOUND');
    await shipOrder(merchant.client, buyer, arrived.id);
    await deliverOrder(publisher, buyer, arrived.id);
    const refused = await buyer.request('POST', '/after-sales', { orderId: arrived.id, type: 'REFUND_ONLY', lines: [{ lineId: arrived.lines[0].id, quantity: 1 }], reason: 'NOT_RECEIVED' });
    expect(refused).toMatchObject({ status: 409, body: { code: 'REFUND_ONLY_NOT_AFTER_DELIVERY' } });
  });

  it('exchanges: the goods come back by platform pickup and a replacement is handed to logistics, no refund', async () => {
    const { client: buyer } = await creditBuyer();
    const placed = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, [['shoes', 39_900, 1]], INSTALLMENT_6));
    await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    await shipOrder(merchant.client, buyer, placed.id);
    const applied = await buyer.expect(201, 'POST', '/after-sales', { orderId: placed.id, type: 'EXCHANGE', lines: [{ lineId: placed.lines[0].id, quantity: 1 }], reason: 'SIZE_OR_FIT', description: 'one size up please' });
    await merchant.client.expect(200, 'POST', `/merchant/after-sales/${applied.id}/approve`);
    const pickup = await buyer.expect(200, 'POST', `/after-sales/${applied.id}/return-shipment`, { pickup: true });
    expect(pickup.returnShipment).toMatchObject({ carrier: 'JD_LOGISTICS', pickup: true, waybillNo: expect.stringMatching(/^JDR\d+$/) });
    const done = await merchant.client.expect(200, 'POST', `/merchant/after-sales/${applied.id}/confirm-receipt`, { condition: 'OK' });
    expect(done).toMatchObject({ status: 'REPLACEMENT_REQUESTED', refund: null });
    const [event] = await queryDatabase(stack.databaseUrl('after_sales'), `SELECT envelope::jsonb -> 'payload' AS payload FROM outbox_event WHERE event_type = 'ReplacementRequested' AND envelope::jsonb -> 'payload' ->> 'orderId' = $1`, [placed.id]);
    expect(event.payload).toMatchObject({ afterSalesId: applied.id, lines: [{ lineId: placed.lines[0].id, quantity: 1 }] });
    expect((await loanOf(buyer, placed.id)).refundedPrincipal).toBe(0);
  });

  it('rejects with a reason (the lines are free again), reports problems with returned goods, lists and refuses bad requests', async () => {
    const { client: buyer } = await creditBuyer();
    const other = await merchantAccount(gateway, operator);
    const placed = await buyer.expect(201, 'POST', '/orders', await order(merchant.id, [['plate', 2_000, 4]], INSTALLMENT_6));
    await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    const lineId = placed.lines[0].id;

    expect(await buyer.request('POST', '/after-sales', { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId, quantity: 1 }], reason: 'DEFECTIVE' })).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_SHIPPED' } });
    await shipOrder(merchant.client, buyer, placed.id);
    expect(await buyer.request('POST', '/after-sales', { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId, quantity: 5 }], reason: 'DEFECTIVE' })).toMatchObject({ status: 409, body: { code: 'QUANTITY_NOT_RETURNABLE', returnable: [{ lineId, quantity: 4 }] } });
    expect(await buyer.request('POST', '/after-sales', { orderId: placed.id, type: 'SWAP', lines: [], reason: 'BECAUSE' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await merchant.client.request('POST', '/after-sales', { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId, quantity: 1 }], reason: 'DEFECTIVE' })).toMatchObject({ status: 403 });

    const rejected = await buyer.expect(201, 'POST', '/after-sales', { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId, quantity: 4 }], reason: 'NO_LONGER_WANTED' });
    expect(await other.client.request('POST', `/merchant/after-sales/${rejected.id}/approve`)).toMatchObject({ status: 404 });
    const answer = await merchant.client.expect(200, 'POST', `/merchant/after-sales/${rejected.id}/reject`, { reason: 'Opened and used' });
    expect(answer).toMatchObject({ status: 'REJECTED', review: { decision: 'REJECTED', by: 'MERCHANT', reason: 'Opened and used' } });

    // Rejected lines may be applied for again; a problem with the returned goods stops the refund.
    const disputed = await buyer.expect(201, 'POST', '/after-sales', { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId, quantity: 2 }], reason: 'DEFECTIVE' });
    await merchant.client.expect(200, 'POST', `/merchant/after-sales/${disputed.id}/approve`);
    expect(await merchant.client.request('POST', `/merchant/after-sales/${disputed.id}/confirm-receipt`, {})).toMatchObject({ status: 409, body: { code: 'INVALID_AFTER_SALES_TRANSITION' } });
    expect(await buyer.request('POST', `/after-sales/${disputed.id}/return-shipment`, { carrier: 'SF' })).toMatchObject({ status: 400 });
    await buyer.expect(200, 'POST', `/after-sales/${disputed.id}/return-shipment`, { carrier: 'YTO', waybillNo: 'YT9988776655' });
    const problem = await merchant.client.expect(200, 'POST', `/merchant/after-sales/${disputed.id}/confirm-receipt`, { condition: 'PROBLEM', note: 'two plates broken by the buyer' });
    expect(problem).toMatchObject({ status: 'RETURN_DISPUTED', receipt: { condition: 'PROBLEM', note: 'two plates broken by the buyer' }, refund: null });

    // Idempotency-Key: the same application sent twice is one request (architecture.md "REST").
    const body = { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId, quantity: 1 }], reason: 'WRONG_ITEM' };
    const once = await buyer.request('POST', '/after-sales', body, { 'idempotency-key': `apply-${placed.id}` });
    const twice = await buyer.request('POST', '/after-sales', body, { 'idempotency-key': `apply-${placed.id}` });
    expect([once.status, twice.status, twice.body.id]).toEqual([201, 201, once.body.id]);
    await merchant.client.expect(200, 'POST', `/merchant/after-sales/${once.body.id}/reject`, { reason: 'wrong item claim not shown' });

    const refundedOne = await returnAndRefund(buyer, merchant.client, placed.id, [{ lineId, quantity: 1 }]);
    expect(refundedOne.refund?.amount).toBe(2_000);
    expect(await buyer.expect(200, 'GET', `/after-sales/refundable?orderId=${placed.id}`)).toMatchObject({ refunded: 2_000, lines: [{ lineId, refundedQuantity: 1, returnableQuantity: 1 }] });

    // Lists: the buyer's and the merchant's, newest first, paginated, filtered.
    const page1 = await buyer.expect(200, 'GET', `/after-sales?orderId=${placed.id}&limit=2`);
    expect(page1.items.map((r: any) => r.id)).toEqual([refundedOne.id, once.body.id]);
    const page2 = await buyer.expect(200, 'GET', `/after-sales?orderId=${placed.id}&limit=2&cursor=${page1.nextCursor}`);
    expect(page2).toMatchObject({ items: [{ id: disputed.id }, { id: rejected.id, status: 'REJECTED' }], nextCursor: null });
    const merchantView = await merchant.client.expect(200, 'GET', `/merchant/after-sales?status=RETURN_DISPUTED&orderId=${placed.id}`);
    expect(merchantView.items.map((r: any) => r.id)).toEqual([disputed.id]);
    expect((await other.client.expect(200, 'GET', '/merchant/after-sales')).items).toEqual([]);
    expect(await buyer.request('GET', '/after-sales?cursor=bogus')).toMatchObject({ status: 400 });
    expect(await other.client.request('GET', `/merchant/after-sales/${disputed.id}`)).toMatchObject({ status: 404 });

    const docs = (await (await fetch(`${stack.gatewayUrl}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/api/v1/after-sales', '/api/v1/after-sales/{id}', '/api/v1/merchant/after-sales/{id}/approve', '/api/v1/merchant/after-sales/{id}/reject', '/api/v1/after-sales/{id}/return-shipment', '/api/v1/merchant/after-sales/{id}/confirm-receipt']));
  });

  it('`npm run demo` prints the story against this gateway, shipping through logistics', async () => {
    const demo = spawn(process.execPath, ['-r', './tools/runtime/register-paths.js', 'dist/tools/demo/run-demo.js'], { env: { ...process.env, GATEWAY_URL: `${stack.gatewayUrl}/api/v1` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    demo.stdout.on('data', (chunk) => (output += chunk));
    demo.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => demo.on('exit', resolve));
    const code = await exited;
    writeFileSync('tmp/test-logs/after-sales/demo-output.txt', output);
    if (code !== 0) throw new Error(`the demo exited with ${code}:\n${output}`);
    // The partial refund re-spreads 199.00 over the 4 remaining periods; the full refund voids them and credits 199.00.
    expect(output).toMatch(/partial refund[\s\S]*3 {2}\S+ {2}\S+ +49\.75 +1\.99 +0\.00 +0\.00 {2}SCHEDULED/);
    expect(output).toMatch(/full refund[\s\S]*6 {2}\S+ {2}\S+ +0\.00 +0\.00 +0\.00 +0\.00 {2}VOIDED[\s\S]*balance 199\.00/);
    expect(output).toContain('Done.');
  });
});

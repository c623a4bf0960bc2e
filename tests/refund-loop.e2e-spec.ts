import { randomUUID } from 'node:crypto';
import { RefundCompleted, Topics } from '@orderline/shared/contracts';
import { merchantAccount, shipOrder } from './support/after-sales-steps';
import { queryDatabase } from './support/databases';
import { EventPublisher } from './support/event-publisher';
import { createBuyer, creditOrder, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(240_000);

const PLATFORM_OFFSET_MS = 8 * 3_600_000;
/** Refunds each read and repaid at once (issue 13 item 3: "100+ times"). */
const READ_AFTER_REFUND_ROUNDS = Number(process.env.CREDIT_READ_AFTER_REFUND_ROUNDS ?? 100);

/** 00:00:05 platform time on the first day of the month after `instant`'s platform month, as UTC. */
function firstSecondsOfNextMonth(instant: string): string {
  const local = new Date(Date.parse(instant) + PLATFORM_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1, 0, 0, 5) - PLATFORM_OFFSET_MS).toISOString();
}

/**
 * Issue 13 items 3, 4 and 5: a refund offset credit-billing refuses is visible in after-sales
 * (FAILED + reason) and can be retried or escalated; dead-lettered events are listed and
 * re-driven by an operator; a repayment in the first seconds of a statement day pays that
 * day's statement although no background run has issued it yet; credit reads right after a
 * refund already show it.
 */
describe('refund loop and catch-up before acting (real Kafka + PostgreSQL)', () => {
  const names = isolation('refundloop');
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let publisher: EventPublisher;
  let merchant: { id: string; client: GatewayClient };

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 5800,
      logDir: 'tmp/test-logs/refund-loop',
      // The background statement run is effectively off (once an hour): whatever is issued
      // here is issued by the catch-up inside the buyer's own transaction (domain.md §4.4).
      env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', TEST_CLOCK: '1', BILLING_RUN_INTERVAL_MS: '3600000', OUTBOX_MAX_ATTEMPTS: '2' },
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

  /** The one place this suite places orders: a shipped credit order of `quantity` × `unitPrice`, with its loan booked. */
  async function shippedCreditOrder(buyer: GatewayClient, unitPrice: number, quantity: number) {
    const placed = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchant.id, unitPrice, quantity));
    await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    await shipOrder(merchant.client, buyer, placed.id);
    const loan = await loanOf(buyer, placed.id);
    return { order: placed, loan };
  }

  async function loanOf(buyer: GatewayClient, orderId: string, ready: (loan: any) => boolean = () => true) {
    return waitUntil(async () => {
      const [loan] = await buyer.expect(200, 'GET', `/credit/loans?orderId=${orderId}`);
      return loan && ready(loan) ? loan : undefined;
    }, `the loan of ${orderId}`);
  }

  it('shows a refused credit offset as FAILED with its reason to buyer and merchant; an operator retries and escalates it', async () => {
    const { client: buyer, buyerId } = await createBuyer(gateway, operator, 1_000_000);
    const { order } = await shippedCreditOrder(buyer, 10_000, 2);
    // A refund granted outside after-sales (e.g. a manual adjustment) takes most of the loan first.
    await publisher.publish(RefundCompleted, { refundId: randomUUID(), orderId: order.id, buyerId, paymentMethod: 'CREDIT', amount: 15_000, lines: [] });
    await loanOf(buyer, order.id, (loan) => loan.refundedPrincipal === 15_000);

    // The buyer's refund of one unit (10,000) is more than the 5,000 the loan can still take.
    const applied = await buyer.expect(201, 'POST', '/after-sales', { orderId: order.id, type: 'REFUND_ONLY', lines: [{ lineId: order.lines[0].id, quantity: 1 }], reason: 'NOT_RECEIVED' });
    const approved = await merchant.client.expect(200, 'POST', `/merchant/after-sales/${applied.id}/approve`);
    expect(approved).toMatchObject({ status: 'REFUNDED', refund: { amount: 10_000 } });
    const refundId = approved.refund.id;

    const failed = await waitUntil(async () => {
      const request = await buyer.expect(200, 'GET', `/after-sales/${applied.id}`);
      return request.refund.settlementStatus === 'FAILED' ? request : undefined;
    }, 'the refused offset to show in after-sales');
    expect(failed.refund.settlements).toEqual([
      expect.objectContaining({ method: 'CREDIT', status: 'FAILED', failureReason: 'EXCEEDS_REFUNDABLE_PRINCIPAL', attempts: 1, lastError: expect.stringContaining('refundable principal 5000 fen') }),
    ]);
    expect(failed.refund.settlements[0].failedAt).toEqual(expect.any(String));
    const merchantView = await merchant.client.expect(200, 'GET', `/merchant/after-sales/${applied.id}`);
    expect(merchantView.refund).toMatchObject({ settlementStatus: 'FAILED', settlements: [{ status: 'FAILED', failureReason: 'EXCEEDS_REFUNDABLE_PRINCIPAL' }] });
    // Nothing on the loan moved.
    expect((await loanOf(buyer, order.id)).refundedPrincipal).toBe(15_000);

    // Only operators act on it.
    expect(await buyer.request('POST', `/admin/refunds/${refundId}/credit-offset/retry`, {})).toMatchObject({ status: 403 });
    expect(await buyer.request('POST', `/admin/refunds/${refundId}/settlement/escalate`, { note: 'x' })).toMatchObject({ status: 403 });

    // A retry asks credit-billing again; still refused, and after-sales counts the attempt.
    const retried = await operator.expect(200, 'POST', `/admin/refunds/${refundId}/credit-offset/retry`, {});
    expect(retried).toMatchObject({ refundId, status: 'REJECTED', document: { reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL', refundable: 5_000 } });
    await waitUntil(async () => {
      const request = await buyer.expect(200, 'GET', `/after-sales/${applied.id}`);
      return request.refund.settlements[0].attempts === 2 && request.refund.settlementStatus === 'FAILED' ? request : undefined;
    }, 'the failed retry to be counted');
    expect((await loanOf(buyer, order.id)).refundedPrincipal).toBe(15_000);
    expect(await operator.request('POST', `/admin/refunds/${randomUUID()}/credit-offset/retry`, {})).toMatchObject({ status: 404 });

    // Escalated: an operator takes it over; buyer and merchant see the state and the note.
    expect(await operator.request('POST', `/admin/refunds/${refundId}/settlement/escalate`, { note: '' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const escalated = await operator.expect(200, 'POST', `/admin/refunds/${refundId}/settlement/escalate`, { note: 'finance settles by hand' });
    expect(escalated.refund).toMatchObject({ settlementStatus: 'ESCALATED', settlements: [{ status: 'ESCALATED', escalationNote: 'finance settles by hand', failureReason: 'EXCEEDS_REFUNDABLE_PRINCIPAL' }] });
    expect((await buyer.expect(200, 'GET', `/after-sales/${applied.id}`)).refund.settlementStatus).toBe('ESCALATED');
    expect((await merchant.client.expect(200, 'GET', `/merchant/after-sales/${applied.id}`)).refund.settlementStatus).toBe('ESCALATED');
    // Escalating again changes nothing.
    expect((await operator.expect(200, 'POST', `/admin/refunds/${refundId}/settlement/escalate`, { note: 'again' })).refund.settlements[0].escalationNote).toBe('finance settles by hand');
  });

  it('refuses to escalate a settlement that did not fail', async () => {
    const { client: buyer } = await createBuyer(gateway, operator, 1_000_000);
    const { order } = await shippedCreditOrder(buyer, 8_000, 1);
    const applied = await buyer.expect(201, 'POST', '/after-sales', { orderId: order.id, type: 'REFUND_ONLY', lines: [{ lineId: order.lines[0].id, quantity: 1 }], reason: 'NOT_RECEIVED' });
    const approved = await merchant.client.expect(200, 'POST', `/merchant/after-sales/${applied.id}/approve`);
    await loanOf(buyer, order.id, (loan) => loan.refundedPrincipal === 8_000);
    expect((await buyer.expect(200, 'GET', `/after-sales/${applied.id}`)).refund.settlementStatus).toBe('SETTLED');
    const refused = await operator.request('POST', `/admin/refunds/${approved.refund.id}/settlement/escalate`, { note: 'nothing failed' });
    expect(refused).toMatchObject({ status: 409, body: { code: 'SETTLEMENT_NOT_FAILED' } });
  });

  it('parks an outbox row the broker keeps refusing, holds back its key only, and re-drives it on an operator\'s call', async () => {
    const creditDb = stack.databaseUrl('credit_billing');
    const [original] = await queryDatabase(creditDb, `SELECT event_type, topic, message_key, envelope FROM outbox_event WHERE published_at IS NOT NULL ORDER BY id DESC LIMIT 1`);
    // A: too large for the broker (a real, row-specific refusal); B: the same key after it. B is a
    // copy of an event already delivered (same event id inside), so consumers' inboxes drop it.
    const insert = `INSERT INTO outbox_event (event_id, event_type, topic, message_key, envelope) VALUES ($1, $2, $3, $4, $5) RETURNING id`;
    const [tooLarge] = await queryDatabase(creditDb, insert, [randomUUID(), original.event_type, original.topic, original.message_key, 'x'.repeat(2_000_000)]);
    const [follower] = await queryDatabase(creditDb, insert, [randomUUID(), original.event_type, original.topic, original.message_key, original.envelope]);
    const rowOf = async (id: string) => (await queryDatabase(creditDb, `SELECT attempts, last_error, parked_at, published_at FROM outbox_event WHERE id = $1`, [id]))[0];

    const parked = await waitUntil(async () => {
      const row = await rowOf(tooLarge.id);
      return row.parked_at ? row : undefined;
    }, 'the refused row to be parked');
    expect(parked).toMatchObject({ attempts: 2, published_at: null });
    expect(parked.last_error).toEqual(expect.any(String));
    expect((await rowOf(follower.id)).published_at).toBeNull();

    // Other keys still flow: a new credit order is held (CreditHoldPlaced leaves credit-billing's outbox).
    const { client: buyer } = await createBuyer(gateway, operator, 1_000_000);
    const placed = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchant.id, 5_000, 1));
    await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    expect((await rowOf(follower.id)).published_at).toBeNull();

    const listed = await operator.expect(200, 'GET', '/admin/outbox/parked');
    expect(listed['credit-billing'].parked).toEqual([expect.objectContaining({ id: String(tooLarge.id), eventType: original.event_type, key: original.message_key, attempts: 2 })]);
    expect(await buyer.request('POST', '/admin/outbox/parked/redrive', {})).toMatchObject({ status: 403 });

    // The operator fixes the cause (here: the payload) and re-drives: both rows leave, in order.
    await queryDatabase(creditDb, `UPDATE outbox_event SET envelope = $2 WHERE id = $1`, [tooLarge.id, original.envelope]);
    const redriven = await operator.expect(200, 'POST', '/admin/outbox/parked/redrive', {});
    expect(redriven.redriven['credit-billing']).toBe(1);
    await waitUntil(async () => ((await rowOf(tooLarge.id)).published_at && (await rowOf(follower.id)).published_at ? true : undefined), 'the re-driven rows to be published');
    expect((await operator.expect(200, 'GET', '/admin/outbox/parked'))['credit-billing'].parked).toEqual([]);
  });

  it('a repayment in the first seconds of a statement day pays that day\'s statement (no background run needed)', async () => {
    const { client: buyer } = await createBuyer(gateway, operator, 1_000_000);
    const { loan } = await shippedCreditOrder(buyer, 12_000, 1);
    const first = loan.periods[0];
    const firstOwed = first.principal + first.fee;
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 12_000, balance: 0 });

    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    await operator.expect(200, 'POST', '/admin/clock', { now: firstSecondsOfNextMonth(now) });
    // At once: nothing has read the account since the clock moved, and the background run is off.
    const repayment = await buyer.expect(201, 'POST', '/credit/repayments', { amount: firstOwed });
    expect(repayment).toMatchObject({ status: 'CREDITED', principalRepaid: first.principal, feePaid: first.fee, toBalance: 0 });

    const statements = await buyer.expect(200, 'GET', '/credit/statements');
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ amountDue: firstOwed });
    const after = await loanOf(buyer, loan.orderId);
    expect(after.periods[0]).toMatchObject({ status: 'PAID' });
    expect(after.periods.slice(1).every((p: any) => p.status === 'SCHEDULED')).toBe(true);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 12_000 - first.principal, balance: 0 });
  });
  it('lists what each service dead-lettered and re-drives it on an operator\'s call, once', async () => {
    // A RefundCompleted no consumer can decode (a negative amount): every group that reads the
    // after-sales topic retries it CONSUMER_MAX_ATTEMPTS times and dead-letters it.
    const eventId = await publisher.publish(RefundCompleted, { refundId: randomUUID(), orderId: randomUUID(), buyerId: randomUUID(), paymentMethod: 'CREDIT', amount: -5, lines: [] }, 'after-sales-service');
    const listed = await waitUntil(async () => {
      const view = await operator.expect(200, 'GET', `/admin/dead-letters?eventId=${eventId}`);
      return view['credit-billing'].deadLetters.length > 0 ? view : undefined;
    }, 'credit-billing to record the dead letter', 60_000, 250);
    expect(listed['credit-billing']).toMatchObject({ consumerGroup: 'credit-billing-service' });
    expect(listed['credit-billing'].deadLetters).toEqual([
      expect.objectContaining({ eventId, eventType: 'RefundCompleted', originalTopic: Topics.afterSales, attempts: expect.any(Number), error: expect.stringContaining('amount'), redrivenAt: null }),
    ]);
    expect(await gateway.request('GET', '/admin/dead-letters')).toMatchObject({ status: 401 });
    const { client: buyer } = await createBuyer(gateway, operator, 1_000);
    expect(await buyer.request('POST', '/admin/dead-letters/redrive', { eventId })).toMatchObject({ status: 403 });
    expect(await operator.request('POST', '/admin/dead-letters/redrive', { eventId: 'not-a-uuid' })).toMatchObject({ status: 400 });

    // Re-driven: back on its topic through credit-billing's outbox, marked so it is not re-driven twice.
    const redriven = await operator.expect(200, 'POST', '/admin/dead-letters/redrive', { eventId, topic: Topics.afterSales });
    expect(redriven.redriven['credit-billing']).toEqual([expect.objectContaining({ eventId, redrivenAt: expect.any(String) })]);
    const creditDb = stack.databaseUrl('credit_billing');
    const outbox = await queryDatabase(creditDb, `SELECT topic, event_type FROM outbox_event WHERE envelope::jsonb ->> 'eventId' = $1`, [eventId]);
    expect(outbox).toEqual([{ topic: Topics.afterSales, event_type: 'RefundCompleted' }]);
    expect((await operator.expect(200, 'POST', '/admin/dead-letters/redrive', { eventId })).redriven['credit-billing']).toEqual([]);
    // The cause was not fixed: the event fails again and comes back as a new dead letter to act on.
    const again = await waitUntil(async () => {
      const rows = (await operator.expect(200, 'GET', `/admin/dead-letters?eventId=${eventId}`))['credit-billing'].deadLetters;
      return rows.length === 2 ? rows : undefined;
    }, 'the re-driven event to be dead-lettered again', 60_000, 250);
    expect(again.map((row: any) => row.redrivenAt === null)).toEqual([false, true]);
  });

  it(`credit reads right after a refund already show it: ${READ_AFTER_REFUND_ROUNDS} refunds, each read and repaid at once`, async () => {
    // Loans booked the day before a statement day, so the next day bills their first periods
    // while the goods are still in transit (a refund-only is for goods not yet received).
    const statementDayStart = firstSecondsOfNextMonth((await operator.expect(200, 'GET', '/admin/clock')).now);
    await operator.expect(200, 'POST', '/admin/clock', { now: new Date(Date.parse(statementDayStart) - 12 * 3_600_000).toISOString() });
    const lanes = 5;
    const perLane = Math.ceil(READ_AFTER_REFUND_ROUNDS / lanes);
    const buyers = await Promise.all(
      Array.from({ length: lanes }, async () => {
        const { client: buyer } = await createBuyer(gateway, operator, 100_000_000);
        const orders: any[] = [];
        // Set up four at a time per buyer (the refunds below run one after another per buyer).
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (orders.length < perLane) {
              const slot = orders.push(undefined) - 1;
              orders[slot] = (await shippedCreditOrder(buyer, 1_000, 3)).order;
            }
          }),
        );
        return { buyer, orders };
      }),
    );
    // The statement day comes: first periods are billed (by the catch-up of the next read), so there is something to repay.
    await operator.expect(200, 'POST', '/admin/clock', { now: statementDayStart });

    const stale: unknown[] = [];
    const overpaid: unknown[] = [];
    const refundIds: string[] = [];
    let repaid = 0;
    await Promise.all(
      buyers.map(async ({ buyer, orders }) => {
        for (const order of orders) {
          const applied = await buyer.expect(201, 'POST', '/after-sales', { orderId: order.id, type: 'REFUND_ONLY', lines: [{ lineId: order.lines[0].id, quantity: 2 }], reason: 'NOT_RECEIVED' });
          const approved = await merchant.client.expect(200, 'POST', `/merchant/after-sales/${applied.id}/approve`);
          expect(approved).toMatchObject({ status: 'REFUNDED', refund: { amount: 2_000 } });
          refundIds.push(approved.refund.id);
          // At once, as the buyer's app would: the loan shows the refund, and what is billed is repaid exactly.
          const [loan] = await buyer.expect(200, 'GET', `/credit/loans?orderId=${order.id}`);
          if (loan.refundedPrincipal !== 2_000 || loan.outstandingPrincipal !== 1_000) stale.push({ orderId: order.id, refundedPrincipal: loan.refundedPrincipal, outstandingPrincipal: loan.outstandingPrincipal });
          const owed = loan.periods.filter((period: any) => period.status === 'BILLED' || period.status === 'OVERDUE').reduce((sum: number, period: any) => sum + period.owed, 0);
          if (owed > 0) {
            const repayment = await buyer.expect(201, 'POST', '/credit/repayments', { amount: owed, loanId: loan.id });
            repaid += 1;
            if (repayment.toBalance !== 0) overpaid.push({ orderId: order.id, owed, repayment });
          }
          const account = await buyer.expect(200, 'GET', '/credit/account');
          if (account.balance !== 0) overpaid.push({ orderId: order.id, balance: account.balance });
        }
      }),
    );
    expect(stale).toEqual([]);
    expect(overpaid).toEqual([]);
    expect(repaid).toBeGreaterThan(0);

    // The RefundCompleted events arrive later and change nothing: each refund was applied once, no balance appeared.
    const afterSalesDb = stack.databaseUrl('after_sales');
    const creditDb = stack.databaseUrl('credit_billing');
    const events = await queryDatabase(afterSalesDb, `SELECT event_id FROM outbox_event WHERE event_type = 'RefundCompleted' AND envelope::jsonb -> 'payload' ->> 'refundId' = ANY($1::text[])`, [refundIds]);
    expect(events).toHaveLength(refundIds.length);
    await waitUntil(
      async () => (await queryDatabase(creditDb, `SELECT count(*)::int AS n FROM inbox_message WHERE consumer_group = 'credit-billing-service' AND event_id = ANY($1::uuid[])`, [events.map((row) => row.event_id)]))[0].n === events.length,
      'credit-billing to consume every RefundCompleted',
      60_000,
      250,
    );
    const applied = await queryDatabase(creditDb, `SELECT status, count(*)::int AS n FROM credit_refund WHERE refund_id = ANY($1::text[]) GROUP BY status`, [refundIds]);
    expect(applied).toEqual([{ status: 'APPLIED', n: refundIds.length }]);
    for (const { buyer, orders } of buyers) {
      const loans = await buyer.expect(200, 'GET', '/credit/loans');
      expect(loans).toHaveLength(orders.length);
      for (const loan of loans) {
        expect(loan.refundedPrincipal).toBe(2_000);
        expect(loan.periods.filter((period: any) => period.status === 'BILLED' || period.status === 'OVERDUE')).toEqual([]);
      }
      const account = await buyer.expect(200, 'GET', '/credit/account');
      expect(account.balance).toBe(0);
      expect(account.outstanding).toBe(loans.reduce((sum: number, loan: any) => sum + loan.outstandingPrincipal, 0));
    }
  });
});

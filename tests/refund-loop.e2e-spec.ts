import { randomUUID } from 'node:crypto';
import { RefundCompleted } from '@orderline/shared/contracts';
import { merchantAccount, shipOrder } from './support/after-sales-steps';
import { queryDatabase } from './support/databases';
import { EventPublisher } from './support/event-publisher';
import { createBuyer, creditOrder, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(240_000);

const PLATFORM_OFFSET_MS = 8 * 3_600_000;

/** 00:00:05 platform time on the first day of the month after `instant`'s platform month, as UTC. */
function firstSecondsOfNextMonth(instant: string): string {
  const local = new Date(Date.parse(instant) + PLATFORM_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1, 0, 0, 5) - PLATFORM_OFFSET_MS).toISOString();
}

/**
 * Issue 13 items 4 and 5: a refund offset credit-billing refuses is visible in after-sales
 * (FAILED + reason) and can be retried or escalated; a repayment in the first seconds of a
 * statement day pays that day's statement although no background run has issued it yet.
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
});

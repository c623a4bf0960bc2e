import { randomUUID } from 'node:crypto';
import { OrderShipped } from '@orderline/shared/contracts';
import { queryDatabase } from './support/databases';
import { EventPublisher } from './support/event-publisher';
import { catalogItems, createBuyer, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(240_000);

/**
 * A hostile client against the money edges (issue 12 item 6; docs/money-bounds-and-repayments.md):
 * amounts past the platform's bound, repayments past what is owed, repayments with no payer,
 * merchant freight and operator limits without a cap, and one poisoned account in the statement run.
 * The simulated payment provider waits for its confirmation callback here, so a repayment visibly
 * stays INITIATED until the provider confirms it.
 */

const PLATFORM_OFFSET_MS = 8 * 3_600_000;
const MAX_FEN = 1_000_000_000_000;
const OVERPAYMENT_CAP = 100_000;
const FREIGHT_CAP = 100_000;
const CREDIT_LIMIT_MAX = 50_000_000;

/** 00:01 platform time on the first day of the month after `instant`'s platform month, as UTC. */
function nextFirstOfMonth(instant: string): string {
  const local = new Date(Date.parse(instant) + PLATFORM_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1, 0, 1) - PLATFORM_OFFSET_MS).toISOString();
}

/** The one place this suite places orders (the catalog changes how items are given). */
async function placeOrder(buyer: GatewayClient, merchantId: string, paymentMethod: 'CREDIT' | 'ONLINE', unitPrice = 59_700) {
  return buyer.expect(201, 'POST', '/orders', {
    merchantId,
    items: await catalogItems(merchantId, [{ skuId: `sku-sofa-${unitPrice}`, title: 'Sofa', unitPrice, quantity: 1 }]),
    consignee: { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } },
    paymentMethod,
    ...(paymentMethod === 'CREDIT' ? { credit: { plan: 'INSTALLMENT', periods: 6 } } : {}),
  });
}

describe('money at the edges: bounds, repayments through the payment port, failure isolation (real Kafka + PostgreSQL)', () => {
  const names = isolation('money');
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let publisher: EventPublisher;
  const creditDb = () => stack.databaseUrl('credit_billing');

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 5460,
      logDir: 'tmp/test-logs/money-hostile',
      env: {
        DATABASE_POOL_SIZE: '4',
        LOG_LEVEL: 'warn',
        TEST_CLOCK: '1',
        BILLING_RUN_INTERVAL_MS: '200',
        SIMULATED_REPAYMENT_CONFIRMATION: 'ON_CALLBACK',
        REPAYMENT_OVERPAYMENT_CAP: String(OVERPAYMENT_CAP),
        FEE_CHANGE_MAX_FREIGHT: String(FREIGHT_CAP),
        CREDIT_LIMIT_MAX: String(CREDIT_LIMIT_MAX),
      },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  async function merchant(): Promise<{ id: string; client: GatewayClient }> {
    const username = `shop-${randomUUID().slice(0, 8)}`;
    const created = await operator.expect(201, 'POST', '/merchants', { name: `Shop ${username}`, mainAccount: { username, password: 'merchant-password', phone: '13900000000' } });
    return { id: created.id, client: await gateway.login(username, 'merchant-password') };
  }

  /** A credit order of 597.00 shipped: a loan of 6 periods of 99.50 + 2.99 fee. */
  async function shippedLoan(buyer: GatewayClient, buyerId: string, merchantId: string) {
    const order = await placeOrder(buyer, merchantId, 'CREDIT');
    await waitForStatus(buyer, order.id, 'WAITING_OUTBOUND');
    await publisher.publish(OrderShipped, { orderId: order.id, buyerId, shipmentId: `s-${order.id}`, shippedAmount: 59_700 });
    await waitUntil(async () => (await buyer.expect(200, 'GET', `/credit/loans?orderId=${order.id}`))[0], `the loan of ${order.id}`);
    return order;
  }

  async function nextStatementDay(): Promise<void> {
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    await operator.expect(200, 'POST', '/admin/clock', { now: nextFirstOfMonth(now) });
  }

  async function repaymentRows(creditAccountId: string): Promise<number> {
    return (await queryDatabase(creditDb(), `SELECT count(*)::int AS n FROM repayment WHERE credit_account_id = $1`, [creditAccountId]))[0].n;
  }

  it('refuses repayments past 2^53, past the money bound and past what is owed, storing nothing; the account still reads', async () => {
    const { client: buyer, creditAccountId } = await createBuyer(gateway, operator, 1_000_000);
    const before = await buyer.expect(200, 'GET', '/credit/account');

    const unsafe = await buyer.request('POST', '/credit/repayments', { amount: 9_007_199_254_740_991 });
    expect(unsafe).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    // 90 billion yuan: past MAX_FEN (10 billion yuan), refused at the edge.
    expect(await buyer.request('POST', '/credit/repayments', { amount: 9_000_000_000_000 })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    // Within the bound but nothing is owed: only the overpayment allowance may be paid.
    expect(await buyer.request('POST', '/credit/repayments', { amount: MAX_FEN })).toMatchObject({ status: 422, body: { code: 'REPAYMENT_ABOVE_AMOUNT_OWED', maximum: OVERPAYMENT_CAP } });
    expect(await buyer.request('POST', '/credit/repayments', { amount: OVERPAYMENT_CAP + 1 })).toMatchObject({ status: 422, body: { maximum: OVERPAYMENT_CAP } });
    expect(await buyer.request('POST', '/credit/repayments', { amount: 0 })).toMatchObject({ status: 400 });
    expect(await buyer.request('POST', '/credit/repayments', { amount: -100 })).toMatchObject({ status: 400 });
    expect(await buyer.request('POST', '/credit/repayments', { amount: '100' })).toMatchObject({ status: 400 });

    expect(await repaymentRows(creditAccountId)).toBe(0);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toEqual(before);
  });

  it('credits a repayment within the bound only after the provider confirms it, once per repayment id', async () => {
    const shop = await merchant();
    const { client: buyer, buyerId, creditAccountId } = await createBuyer(gateway, operator, 1_000_000);
    const order = await shippedLoan(buyer, buyerId, shop.id);
    await nextStatementDay();
    const statement = await waitUntil(async () => (await buyer.expect(200, 'GET', '/credit/statements'))[0], 'the first statement');
    expect(statement.amountDue).toBe(10_249);

    // What is owed (10 249) plus the overpayment allowance, and not one fen more.
    expect(await buyer.request('POST', '/credit/repayments', { amount: 10_249 + OVERPAYMENT_CAP + 1 })).toMatchObject({ status: 422, body: { code: 'REPAYMENT_ABOVE_AMOUNT_OWED', maximum: 10_249 + OVERPAYMENT_CAP } });

    const repaymentId = randomUUID();
    const initiated = await buyer.expect(201, 'POST', '/credit/repayments', { amount: 10_249, repaymentId });
    expect(initiated).toMatchObject({ id: repaymentId, status: 'INITIATED', amount: 10_249, provider: 'SIMULATED', receivedAt: null });
    expect(initiated.principalRepaid).toBeUndefined();
    // Nothing is credited yet: the period is still billed and the principal still owed.
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 59_700, balance: 0 });
    expect((await buyer.expect(200, 'GET', `/credit/loans?orderId=${order.id}`))[0].periods[0].status).toBe('BILLED');
    // The same id again is the same repayment; another amount under that id is a conflict.
    expect(await buyer.expect(201, 'POST', '/credit/repayments', { amount: 10_249, repaymentId })).toMatchObject({ id: repaymentId, status: 'INITIATED', providerReference: initiated.providerReference });
    expect(await buyer.request('POST', '/credit/repayments', { amount: 10_000, repaymentId })).toMatchObject({ status: 409, body: { code: 'REPAYMENT_ID_REUSED' } });
    expect(await repaymentRows(creditAccountId)).toBe(1);
    // Money on its way counts against the bound: only the allowance is left.
    expect(await buyer.request('POST', '/credit/repayments', { amount: OVERPAYMENT_CAP + 1 })).toMatchObject({ status: 422, body: { maximum: OVERPAYMENT_CAP } });

    // Only the provider's answer (relayed by an operator) confirms, and only for the reference it gave.
    const confirmation = { outcome: 'CONFIRMED', providerReference: initiated.providerReference };
    expect(await buyer.request('POST', `/credit/repayments/${repaymentId}/confirmation`, confirmation)).toMatchObject({ status: 403 });
    expect(await operator.request('POST', `/credit/repayments/${repaymentId}/confirmation`, { ...confirmation, providerReference: 'sim-forged' })).toMatchObject({ status: 409, body: { code: 'PROVIDER_REFERENCE_MISMATCH' } });
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 59_700 });

    const credited = await operator.expect(201, 'POST', `/credit/repayments/${repaymentId}/confirmation`, confirmation);
    expect(credited).toMatchObject({ id: repaymentId, status: 'CREDITED', principalRepaid: 9_950, feePaid: 299, lateFeePaid: 0, toBalance: 0 });
    const account = await buyer.expect(200, 'GET', '/credit/account');
    expect(account).toMatchObject({ outstanding: 49_750, balance: 0 });
    expect((await buyer.expect(200, 'GET', `/credit/loans?orderId=${order.id}`))[0].periods[0].status).toBe('PAID');

    // A second confirmation or a retried request credits nothing more.
    expect(await operator.expect(201, 'POST', `/credit/repayments/${repaymentId}/confirmation`, confirmation)).toMatchObject({ status: 'CREDITED', principalRepaid: 9_950 });
    expect(await buyer.expect(201, 'POST', '/credit/repayments', { amount: 10_249, repaymentId })).toMatchObject({ status: 'CREDITED' });
    expect(await buyer.expect(200, 'GET', '/credit/account')).toEqual(account);
    const postings = await queryDatabase(creditDb(), `SELECT count(*)::int AS n FROM ledger_posting WHERE kind = 'REPAYMENT' AND credit_account_id = $1`, [creditAccountId]);
    expect(postings[0].n).toBe(1);

    // A declined payment moves no money and frees its share of the bound.
    const declinedId = randomUUID();
    const pending = await buyer.expect(201, 'POST', '/credit/repayments', { amount: 5_000, repaymentId: declinedId });
    expect(await operator.expect(201, 'POST', `/credit/repayments/${declinedId}/confirmation`, { outcome: 'DECLINED', providerReference: pending.providerReference })).toMatchObject({ status: 'DECLINED' });
    expect(await buyer.expect(200, 'GET', '/credit/account')).toEqual(account);
  });

  it('refuses over-large freight, service fees and credit limits with problems, never 500', async () => {
    const shop = await merchant();
    const { client: buyer, creditAccountId } = await createBuyer(gateway, operator, 1_000_000);
    const online = await placeOrder(buyer, shop.id, 'ONLINE');

    // 999 999 999.99 yuan of freight: within the money bound but past the freight cap.
    expect(await shop.client.request('PATCH', `/merchant/orders/${online.id}/fees`, { freight: 99_999_999_999 })).toMatchObject({ status: 422, body: { code: 'FREIGHT_ABOVE_CAP', maximum: FREIGHT_CAP } });
    expect(await shop.client.request('PATCH', `/merchant/orders/${online.id}/fees`, { freight: 9_007_199_254_740_991 })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await shop.client.request('PATCH', `/merchant/orders/${online.id}/fees`, { serviceFees: [{ feeType: 'INSTALLATION', amount: 9_007_199_254_740_991, skuIds: ['sku-sofa'] }] })).toMatchObject({ status: 400 });
    expect((await buyer.expect(200, 'GET', `/orders/${online.id}`)).payable).toBe(online.payable);
    // Within the cap the change still works.
    expect(await shop.client.expect(200, 'PATCH', `/merchant/orders/${online.id}/fees`, { freight: FREIGHT_CAP })).toMatchObject({ freight: FREIGHT_CAP });

    // An order whose goods pass 2^53 (or the bound) is refused, not a 500.
    // Prices come from the catalog: a price past 2^53 cannot be listed, and the dearest SKU
    // ordered at the largest quantity many times over is refused, not a 500.
    expect(await shop.client.request('PUT', '/merchant/catalog/skus/sku-x', { title: 'X', unitPrice: 9_007_199_254_740_991, listed: true })).toMatchObject({ status: 400 });
    const dearest = await catalogItems(shop.id, [{ skuId: 'sku-dearest', title: 'Dearest', unitPrice: 1_000_000_000, quantity: 9_999 }]);
    const overflow = await buyer.request('POST', '/orders', { merchantId: shop.id, paymentMethod: 'ONLINE', items: dearest, consignee: { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '1 号' } } });
    expect(overflow.status).toBeGreaterThanOrEqual(400);
    expect(overflow.status).toBeLessThan(500);

    // Operator limits: past 2^53 and past the money bound at the edge, past CREDIT_LIMIT_MAX in credit-billing.
    expect(await operator.request('PUT', `/credit/accounts/${creditAccountId}/limit`, { creditLimit: 9_007_199_254_740_991 })).toMatchObject({ status: 400 });
    expect(await operator.request('PUT', `/credit/accounts/${creditAccountId}/limit`, { creditLimit: MAX_FEN + 1 })).toMatchObject({ status: 400 });
    expect(await operator.request('PUT', `/credit/accounts/${creditAccountId}/limit`, { creditLimit: CREDIT_LIMIT_MAX + 1 })).toMatchObject({ status: 422, body: { code: 'CREDIT_LIMIT_TOO_HIGH', maximum: CREDIT_LIMIT_MAX } });
    expect(await operator.request('POST', '/buyers', { username: `b-${randomUUID().slice(0, 8)}`, password: 'buyer-password', name: '王小明', phone: '13800138000', creditLimit: 9_007_199_254_740_991 })).toMatchObject({ status: 400 });
    const tooRich = `b-${randomUUID().slice(0, 8)}`;
    expect(await operator.request('POST', '/buyers', { username: tooRich, password: 'buyer-password', name: '王小明', phone: '13800138000', creditLimit: CREDIT_LIMIT_MAX + 1 })).toMatchObject({ status: 422, body: { code: 'CREDIT_LIMIT_TOO_HIGH' } });
    expect(await gateway.request('POST', '/auth/token', { username: tooRich, password: 'buyer-password' })).toMatchObject({ status: 401 });
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ limit: 1_000_000 });
    expect(await operator.expect(200, 'PUT', `/credit/accounts/${creditAccountId}/limit`, { creditLimit: CREDIT_LIMIT_MAX })).toMatchObject({ limit: CREDIT_LIMIT_MAX });
  });

  it('goes on with other buyers\' statements when one account fails, and records the failure', async () => {
    const shop = await merchant();
    const poisoned = await createBuyer(gateway, operator, 1_000_000);
    const healthy = await createBuyer(gateway, operator, 1_000_000);
    const poisonedOrder = await shippedLoan(poisoned.client, poisoned.buyerId, shop.id);
    await shippedLoan(healthy.client, healthy.buyerId, shop.id);
    const healthyBefore = (await healthy.client.expect(200, 'GET', '/credit/statements')).length;

    // A corrupt loan document, written straight into credit-billing's database; its account is
    // made the first the run takes, so without isolation it would block every account after it.
    await queryDatabase(creditDb(), `UPDATE loan SET document = jsonb_set(document, '{periods}', '"corrupt"'::jsonb) WHERE order_id = $1`, [poisonedOrder.id]);
    await queryDatabase(creditDb(), `UPDATE credit_account SET next_statement_date = next_statement_date - 1 WHERE id = $1`, [poisoned.creditAccountId]);
    await nextStatementDay();

    const failure = await waitUntil(async () => (await queryDatabase(creditDb(), `SELECT attempts, last_error FROM timer_failure WHERE job = 'statement-run' AND subject_id = $1`, [poisoned.creditAccountId]))[0], 'the failure to be recorded');
    expect(failure.attempts).toBeGreaterThanOrEqual(1);
    const statements = await waitUntil(async () => {
      const current = await healthy.client.expect(200, 'GET', '/credit/statements');
      return current.length > healthyBefore ? current : undefined;
    }, 'the healthy account\'s statement');
    expect(statements[0].amountDue).toBe(10_249);
    expect(await healthy.client.expect(200, 'GET', '/credit/account')).toMatchObject({ outstanding: 59_700 });
    // The poisoned account got no statement and stays due for its next attempt.
    expect((await queryDatabase(creditDb(), `SELECT count(*)::int AS n FROM credit_statement WHERE credit_account_id = $1`, [poisoned.creditAccountId]))[0].n).toBe(0);
  });
});

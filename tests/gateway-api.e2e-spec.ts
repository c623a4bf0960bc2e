import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MERCHANT_PERMISSIONS } from '@orderline/gateway/domain';
import { queryDatabase } from './support/databases';
import { createBuyer, createMerchant, creditOrder, GatewayClient, operatorOf, TEST_CONSIGNEE, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(180_000);

const LOG_DIR = 'tmp/test-logs/gateway-api';
const CONSIGNEE = { name: '欧阳小雨', phone: '13912345678' };

async function createMainAccount(operator: GatewayClient, gateway: GatewayClient, phone = '13900000000'): Promise<{ merchantId: string; main: GatewayClient }> {
  const username = `main-${Math.random().toString(36).slice(2, 10)}`;
  const merchant = await operator.expect(201, 'POST', '/merchants', { name: 'Tea House', mainAccount: { username, password: 'merchant-password', phone } });
  return { merchantId: merchant.id, main: await gateway.login(username, 'merchant-password') };
}

/** Asks for an SMS code, reads it from the recording adapter, confirms it. */
async function verifyBySms(account: GatewayClient, operator: GatewayClient, phone: string, purpose: string): Promise<void> {
  await account.expect(201, 'POST', '/merchant/sms-verifications', { purpose });
  const messages = await operator.expect(200, 'GET', `/admin/sms?phone=${phone}`);
  const code = /code (\d{6})/.exec(messages[messages.length - 1].body)![1];
  await account.expect(200, 'POST', '/merchant/sms-verifications/confirm', { purpose, code });
}

describe('gateway: identity, permissions, privacy and API quality (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; startService(app: string): Promise<void>; stopService(app: string): Promise<void>; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;

  beforeAll(async () => {
    stack = await startStack({ ...infrastructure(), ...isolation('gwapi'), basePort: 4400, logDir: LOG_DIR, env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'info', TEST_CLOCK: '1', LOGIN_ATTEMPTS_PER_MINUTE: '5', OTHER_CONTACTS_DAILY_ORDERS: '3', VIRTUAL_NUMBER_DAILY_BINDINGS: '2' } });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('grants sub-accounts only what the main account gave them, and masks consumer data unless revealed (logged)', async () => {
    const { merchantId, main } = await createMainAccount(operator, gateway);
    const { client: buyer } = await createBuyer(gateway, operator, 100_000);
    const order = await buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 2_000), consignee: { ...TEST_CONSIGNEE, ...CONSIGNEE } });

    const sub = await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `sub-${order.id.slice(0, 8)}`, password: 'sub-password', phone: '13900000001' });
    const subClient = await gateway.login(sub.username, 'sub-password');
    expect(await subClient.request('GET', `/merchant/orders/${order.id}`)).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED', permission: 'VIEW_ORDERS' } });
    // What a client shows comes from one call: the account, its kind and the permissions it holds now.
    expect(await subClient.expect(200, 'GET', '/auth/me')).toEqual({ accountId: sub.id, role: 'MERCHANT', merchantId, accountKind: 'SUB', permissions: [] });
    expect(await main.expect(200, 'GET', '/auth/me')).toMatchObject({ role: 'MERCHANT', merchantId, accountKind: 'MAIN', permissions: [...MERCHANT_PERMISSIONS] });
    expect(await buyer.expect(200, 'GET', '/auth/me')).toEqual({ accountId: expect.any(String), role: 'BUYER', buyerId: expect.any(String), permissions: [] });

    await main.expect(200, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['VIEW_ORDERS'] });
    const masked = await waitUntil(async () => {
      const result = await subClient.request('GET', `/merchant/orders/${order.id}`);
      return result.status === 200 ? result.body : undefined;
    }, 'the grant to apply');
    expect(masked.consignee).toEqual({ name: '欧**', phone: '139****5678', address: { province: '广东省', city: '深圳市', county: '***', detail: '***' } });
    expect(masked.consigneeRevealed).toBe(false);
    expect((await subClient.expect(200, 'GET', '/auth/me')).permissions).toEqual(['VIEW_ORDERS']);
    expect(await subClient.request('GET', `/merchant/orders/${order.id}?reveal=true`)).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED' } });

    const revealed = await main.expect(200, 'GET', `/merchant/orders/${order.id}?reveal=true`);
    expect(revealed.consignee).toMatchObject(CONSIGNEE);
    const log = await main.expect(200, 'GET', `/merchants/${merchantId}/reveal-log`);
    expect(log).toEqual([expect.objectContaining({ orderId: order.id, fields: ['name', 'phone', 'address'] })]);
    expect(await subClient.request('GET', `/merchants/${merchantId}/reveal-log`)).toMatchObject({ status: 403, body: { code: 'MAIN_ACCOUNT_REQUIRED' } });
  });

  it('caps EXPORT_SENSITIVE at three sub-accounts', async () => {
    const { merchantId, main } = await createMainAccount(operator, gateway);
    const grant = { permissions: ['EXPORT', 'EXPORT_SENSITIVE'] };
    for (let i = 0; i < 3; i++) {
      await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `sens-${merchantId.slice(0, 6)}-${i}`, password: 'sub-password', phone: '13900000002', ...grant });
    }
    const fourth = await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `sens-${merchantId.slice(0, 6)}-3`, password: 'sub-password', phone: '13900000002' });
    expect(await main.request('PUT', `/merchants/${merchantId}/sub-accounts/${fourth.id}/permissions`, grant)).toMatchObject({ status: 409, body: { code: 'PERMISSION_GRANT_REFUSED' } });
    expect((await main.expect(200, 'GET', `/merchants/${merchantId}/sub-accounts`)).filter((s: { permissions: string[] }) => s.permissions.includes('EXPORT_SENSITIVE'))).toHaveLength(3);
  });

  it('keeps merchants apart: another merchant gets 404 for the first one\'s ids', async () => {
    const first = await createMainAccount(operator, gateway);
    const second = await createMainAccount(operator, gateway);
    const { client: buyer } = await createBuyer(gateway, operator, 100_000);
    const order = await buyer.expect(201, 'POST', '/orders', await creditOrder(first.merchantId, 500));
    const sub = await first.main.expect(201, 'POST', `/merchants/${first.merchantId}/sub-accounts`, { username: `iso-${order.id.slice(0, 8)}`, password: 'sub-password', phone: '13900000003' });
    const attempts = [
      second.main.request('GET', `/merchant/orders/${order.id}`),
      second.main.request('GET', `/merchant/orders/${order.id}?reveal=true`),
      second.main.request('POST', `/merchants/${first.merchantId}/sub-accounts`, { username: `x-${order.id.slice(0, 8)}`, password: 'sub-password', phone: '13900000004' }),
      second.main.request('GET', `/merchants/${first.merchantId}/sub-accounts`),
      second.main.request('PUT', `/merchants/${first.merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['VIEW_ORDERS'] }),
      second.main.request('GET', `/merchants/${first.merchantId}/reveal-log`),
      second.main.request('PUT', `/merchants/${second.merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['VIEW_ORDERS'] }),
    ];
    for (const result of await Promise.all(attempts)) expect(result).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('replays an Idempotency-Key, refuses it for another body, and runs 20 concurrent requests once', async () => {
    const merchantId = await createMerchant(operator);
    const { client: buyer, buyerId } = await createBuyer(gateway, operator, 1_000_000);
    const body = await creditOrder(merchantId, 1_234);
    const first = await buyer.request('POST', '/orders', body, { 'idempotency-key': 'order-key-1' });
    const again = await buyer.request('POST', '/orders', body, { 'idempotency-key': 'order-key-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await buyer.request('POST', '/orders', await creditOrder(merchantId, 999), { 'idempotency-key': 'order-key-1' });
    expect(other).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });

    const burstBody = await creditOrder(merchantId, 777);
    const burst = await Promise.all(Array.from({ length: 20 }, () => buyer.request('POST', '/orders', burstBody, { 'idempotency-key': 'burst-key' })));
    expect(new Set(burst.map((result) => result.status))).toEqual(new Set([201]));
    expect(new Set(burst.map((result) => result.body.id)).size).toBe(1);
    const orders = await queryDatabase(stack.databaseUrl('order'), `SELECT payable FROM customer_order WHERE buyer_id = $1 ORDER BY created_at`, [buyerId]);
    expect(orders.map((row) => Number(row.payable))).toEqual([1_234, 777]);

    // Another account may use the same key for its own request.
    const { client: otherBuyer } = await createBuyer(gateway, operator, 10_000);
    expect((await otherBuyer.request('POST', '/orders', body, { 'idempotency-key': 'order-key-1' })).status).toBe(201);
    expect(await buyer.request('POST', '/orders', body, { 'idempotency-key': 'bad key with spaces' })).toMatchObject({ status: 400, body: { code: 'INVALID_IDEMPOTENCY_KEY' } });

    // Found by `npm run chaos`: a gateway SIGKILLed mid-request left its key IN_PROGRESS, and every
    // retry answered 409 IDEMPOTENT_REQUEST_IN_PROGRESS for 24 h. Past its lease the claim is taken over.
    const [account] = await queryDatabase(stack.databaseUrl('gateway'), `SELECT id FROM account WHERE buyer_id = $1`, [buyerId]);
    const orphanBody = await creditOrder(merchantId, 555);
    const hash = createHash('sha256').update(`POST /api/v1/orders\n${JSON.stringify(orphanBody)}`).digest('hex');
    await queryDatabase(
      stack.databaseUrl('gateway'),
      `INSERT INTO idempotency_record (account_id, idempotency_key, request_hash, state, created_at, expires_at, claimed_until)
       VALUES ($1, 'orphan-key', $2, 'IN_PROGRESS', now(), now() + interval '1 day', now() - interval '1 second')`,
      [account.id, hash],
    );
    const takenOver = await buyer.request('POST', '/orders', orphanBody, { 'idempotency-key': 'orphan-key' });
    expect(takenOver).toMatchObject({ status: 201, body: { payable: 555 } });
    expect((await buyer.request('POST', '/orders', orphanBody, { 'idempotency-key': 'orphan-key' })).body.id).toBe(takenOver.body.id);
  });

  it('limits sign-in attempts with Retry-After, refuses disabled accounts, and sends security headers', async () => {
    const { client: buyer, buyerId } = await createBuyer(gateway, operator, 10_000);
    const username = `limited-${buyerId.slice(0, 8)}`;
    await operator.expect(201, 'POST', '/buyers', { username, password: 'buyer-password', name: '测试', phone: '13800000009', creditLimit: 1 });
    const statuses: number[] = [];
    let limited: { status: number; body: any } | undefined;
    for (let i = 0; i < 7; i++) {
      const response = await gateway.request('POST', '/auth/token', { username, password: 'wrong-password' });
      statuses.push(response.status);
      if (response.status === 429) limited = { status: 429, body: { ...response.body, retryAfter: response.retryAfter } };
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(limited?.body).toMatchObject({ code: 'TOO_MANY_LOGIN_ATTEMPTS' });
    expect(Number(limited?.body.retryAfter)).toBeGreaterThan(0);

    const accounts = await queryDatabase(stack.databaseUrl('gateway'), `SELECT id FROM account WHERE buyer_id = $1`, [buyerId]);
    await operator.expect(200, 'PUT', `/accounts/${accounts[0].id}/status`, { disabled: true });
    await waitUntil(async () => (await buyer.request('GET', '/credit/account')).status === 403, 'the disabled account to be refused');
    expect(await buyer.request('GET', '/credit/account')).toMatchObject({ status: 403, body: { code: 'ACCOUNT_DISABLED' } });

    const response = await gateway.request('GET', '/health', undefined, { 'x-request-id': 'req-12345' });
    expect(response.headers.get('x-correlation-id')).toBe('req-12345');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect((await fetch(`${stack.gatewayUrl}/docs-json`)).status).toBe(200);
  });

  it('moves the platform clock of every service together (operator only)', async () => {
    const before = await operator.expect(200, 'GET', '/admin/clock');
    const moved = await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 3 * 24 * 3600 });
    const jump = Date.parse(moved.now) - Date.parse(before.now);
    expect(jump).toBeGreaterThanOrEqual(3 * 24 * 3600 * 1000);
    expect(Object.keys(moved.services).sort()).toEqual(['after-sales', 'credit-billing', 'export', 'logistics', 'order']);
    const after = await operator.expect(200, 'GET', '/admin/clock');
    for (const now of Object.values(after.services) as string[]) expect(Math.abs(Date.parse(now) - Date.parse(after.now))).toBeLessThan(5_000);

    // A restarted service starts on real time and catches up with the platform clock.
    await stack.stopService('credit-billing-service');
    await stack.startService('credit-billing-service');
    await waitUntil(async () => {
      const clock = await operator.expect(200, 'GET', '/admin/clock');
      return Math.abs(Date.parse(clock.services['credit-billing']) - Date.parse(clock.now)) < 5_000;
    }, 'the restarted service to adopt the platform clock', 15_000, 250);
    expect(await operator.request('POST', '/admin/clock', { now: '2001-01-01T00:00:00Z' })).toMatchObject({ status: 409, body: { code: 'CLOCK_CANNOT_GO_BACK' } });
    expect(await operator.request('POST', '/admin/clock', {})).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const { client: buyer } = await createBuyer(gateway, operator, 1);
    expect(await buyer.request('POST', '/admin/clock', { advanceBySeconds: 1 })).toMatchObject({ status: 403 });
  });

  it('registers carriers with a webhook secret shown once', async () => {
    const code = `C${Date.now().toString(36).toUpperCase()}`;
    const carrier = await operator.expect(201, 'POST', '/carriers', { code, name: 'Test Express' });
    expect(carrier.webhookSecret).toMatch(/^[\w-]{40,}$/);
    expect(await operator.request('POST', '/carriers', { code, name: 'Again' })).toMatchObject({ status: 409, body: { code: 'CARRIER_EXISTS' } });
    const listed = (await operator.expect(200, 'GET', '/carriers')).find((c: { id: string }) => c.id === carrier.id);
    expect(listed).toMatchObject({ code, name: 'Test Express' });
    expect(JSON.stringify(listed)).not.toContain(carrier.webhookSecret);
    const rotated = await operator.expect(200, 'POST', `/carriers/${carrier.id}/rotate-secret`);
    expect(rotated.webhookSecret).not.toBe(carrier.webhookSecret);
  });

  it('documents every endpoint with its problem answers', async () => {
    const document = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const expected: Record<string, string[]> = {
      '/api/v1/auth/token': ['post'],
      '/api/v1/merchants': ['post'],
      '/api/v1/buyers': ['post'],
      '/api/v1/carriers': ['post', 'get'],
      '/api/v1/accounts/{id}/status': ['put'],
      '/api/v1/merchants/{id}/sub-accounts': ['post', 'get'],
      '/api/v1/merchants/{id}/sub-accounts/{sid}/permissions': ['put'],
      '/api/v1/merchants/{id}/reveal-log': ['get'],
      '/api/v1/orders': ['post'],
      '/api/v1/orders/{id}': ['get'],
      '/api/v1/orders/{id}/cancel': ['post'],
      '/api/v1/merchant/orders/{id}': ['get'],
      '/api/v1/merchant/orders/{id}/other-contacts': ['post'],
      '/api/v1/merchant/orders/{id}/virtual-number': ['post'],
      '/api/v1/merchant/sms-verifications': ['post'],
      '/api/v1/credit/account': ['get'],
      '/api/v1/health': ['get'],
      '/api/v1/admin/clock': ['get', 'post'],
      '/api/v1/admin/sms': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        expect({ path, method, documented: Boolean(document.paths[path]?.[method]) }).toEqual({ path, method, documented: true });
        expect(Object.keys(document.paths[path][method].responses)).toEqual(expect.arrayContaining(['400', '404', '429', '500']));
      }
    }
  });

  it('serves the OpenAPI document that docs/api/openapi.json holds (tools/api/write-openapi.mjs writes it from the same builder)', async () => {
    const served = await (await fetch(`${stack.gatewayUrl}/docs-json`)).json();
    const written = JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'api', 'openapi.json'), 'utf8'));
    expect(served).toEqual(written);
    expect(await (await fetch(`${stack.gatewayUrl}/docs/openapi.json`)).json()).toEqual(written);
  });

  it('looks up other contacts only after SMS verification, within the merchant\'s daily limit, until 00:00 platform time', async () => {
    const mainPhone = '13911110001';
    const subPhone = '13911110002';
    const { merchantId, main } = await createMainAccount(operator, gateway, mainPhone);
    const { client: buyer } = await createBuyer(gateway, operator, 1_000_000);
    const orders: Array<{ id: string }> = [];
    for (let i = 0; i < 4; i++) orders.push(await buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 100 + i), consignee: { ...TEST_CONSIGNEE, phone: '13700000000' } }));

    expect(await main.request('POST', `/merchant/orders/${orders[0].id}/other-contacts`)).toMatchObject({ status: 403, body: { code: 'SMS_VERIFICATION_REQUIRED' } });
    expect(await main.request('POST', '/merchant/sms-verifications/confirm', { purpose: 'OTHER_CONTACTS', code: '000000' })).toMatchObject({ status: 422 });
    await verifyBySms(main, operator, mainPhone, 'OTHER_CONTACTS');
    const first = await main.expect(200, 'POST', `/merchant/orders/${orders[0].id}/other-contacts`);
    expect(first).toMatchObject({ orderId: orders[0].id, contacts: [{ kind: 'BUYER_REGISTERED_PHONE', phone: '13800138000' }], lookupsToday: 1, dailyLimit: 3 });
    await main.expect(200, 'POST', `/merchant/orders/${orders[1].id}/other-contacts`);
    expect((await main.expect(200, 'POST', `/merchant/orders/${orders[0].id}/other-contacts`)).lookupsToday).toBe(2);

    // A sub-account needs the grant and its own verification, and shares the merchant's limit.
    const sub = await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `oc-${merchantId.slice(0, 8)}`, password: 'sub-password', phone: subPhone, permissions: ['VIEW_ORDERS'] });
    const subClient = await gateway.login(sub.username, 'sub-password');
    expect(await subClient.request('POST', `/merchant/orders/${orders[2].id}/other-contacts`)).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED' } });
    await main.expect(200, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['VIEW_ORDERS', 'LOOKUP_OTHER_CONTACTS'] });
    await waitUntil(async () => (await subClient.request('POST', `/merchant/orders/${orders[2].id}/other-contacts`)).body?.code === 'SMS_VERIFICATION_REQUIRED', 'the grant to apply');
    await verifyBySms(subClient, operator, subPhone, 'OTHER_CONTACTS');
    expect((await subClient.expect(200, 'POST', `/merchant/orders/${orders[2].id}/other-contacts`)).lookupsToday).toBe(3);
    const overLimit = await subClient.request('POST', `/merchant/orders/${orders[3].id}/other-contacts`);
    expect(overLimit).toMatchObject({ status: 429, body: { code: 'OTHER_CONTACTS_DAILY_LIMIT' } });
    expect(await main.request('POST', `/merchant/orders/${orders[3].id}/other-contacts`)).toMatchObject({ status: 429 });

    // Next platform day: the verification has lapsed at 00:00 and the count starts again.
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    const local = new Date(Date.parse(now) + 8 * 3_600_000);
    const nextMidnightUtc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - 8 * 3_600_000;
    await operator.expect(200, 'POST', '/admin/clock', { now: new Date(nextMidnightUtc + 1_000).toISOString() });
    expect(await main.request('POST', `/merchant/orders/${orders[3].id}/other-contacts`)).toMatchObject({ status: 403, body: { code: 'SMS_VERIFICATION_REQUIRED' } });
    await verifyBySms(main, operator, mainPhone, 'OTHER_CONTACTS');
    expect((await main.expect(200, 'POST', `/merchant/orders/${orders[3].id}/other-contacts`)).lookupsToday).toBe(1);

    const stranger = await createMainAccount(operator, gateway, '13911110003');
    expect(await stranger.main.request('POST', `/merchant/orders/${orders[0].id}/other-contacts`)).toMatchObject({ status: 404 });
    expect(await stranger.main.request('POST', `/merchant/orders/${orders[0].id}/virtual-number`, {})).toMatchObject({ status: 404 });
  });

  it('binds virtual numbers with their validity, reuses a live one, and limits new bindings per day', async () => {
    const mainPhone = '13911110004';
    const { merchantId, main } = await createMainAccount(operator, gateway, mainPhone);
    const { client: buyer } = await createBuyer(gateway, operator, 1_000_000);
    const orders: Array<{ id: string }> = [];
    for (let i = 0; i < 4; i++) orders.push(await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, 200 + i)));

    const first = await main.expect(200, 'POST', `/merchant/orders/${orders[0].id}/virtual-number`, {});
    expect(first).toMatchObject({ kind: 'ORDER', validUntil: 'ORDER_COMPLETION', reused: false });
    expect(first.mainNumber).toMatch(/^\d{11}$/);
    expect(first.extension).toMatch(/^\d{4}$/);
    expect(first.howToText).toContain(`#${first.extension}#`);
    const again = await main.expect(200, 'POST', `/merchant/orders/${orders[0].id}/virtual-number`, {});
    expect(again).toMatchObject({ mainNumber: first.mainNumber, extension: first.extension, reused: true });

    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    const afterSales = await main.expect(200, 'POST', `/merchant/orders/${orders[1].id}/virtual-number`, { kind: 'AFTER_SALES' });
    const validFor = Date.parse(afterSales.validUntil) - Date.parse(now);
    expect(validFor).toBeGreaterThanOrEqual(15 * 86_400_000 - 5_000);
    expect(validFor).toBeLessThanOrEqual(15 * 86_400_000 + 5_000);

    expect(await main.request('POST', `/merchant/orders/${orders[2].id}/virtual-number`, {})).toMatchObject({ status: 429, body: { code: 'VIRTUAL_NUMBER_LIMIT_REACHED' } });
    // A consignee phone change re-binds (simulated in the order's database until the order
    // service's consignee change lands): the next request gets a new binding.
    await queryDatabase(stack.databaseUrl('order'), `UPDATE customer_order SET consignee_phone = '13600000000' WHERE id = $1`, [orders[0].id]);
    expect(await main.request('POST', `/merchant/orders/${orders[0].id}/virtual-number`, {})).toMatchObject({ status: 429 });
    await verifyBySms(main, operator, mainPhone, 'EXTRA_VIRTUAL_NUMBERS');
    const rebound = await main.expect(200, 'POST', `/merchant/orders/${orders[0].id}/virtual-number`, {});
    expect(rebound.reused).toBe(false);
    expect(`${rebound.mainNumber}#${rebound.extension}`).not.toBe(`${first.mainNumber}#${first.extension}`);
    await main.expect(200, 'POST', `/merchant/orders/${orders[2].id}/virtual-number`, {});
    expect(await main.request('POST', `/merchant/orders/${orders[3].id}/virtual-number`, { kind: 'SOMETHING' })).toMatchObject({ status: 400 });
  });

  it('answers a corpus of bad requests with 4xx problem+json and changes nothing', async () => {
    const { merchantId, main } = await createMainAccount(operator, gateway);
    const { client: buyer } = await createBuyer(gateway, operator, 50_000);
    const order = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, 100));
    await waitForStatus(buyer, order.id, 'WAITING_OUTBOUND');
    const sub = await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `corpus-${order.id.slice(0, 8)}`, password: 'sub-password', phone: '13900000005' });

    const counts = async () => ({
      gateway: await queryDatabase(stack.databaseUrl('gateway'), `SELECT (SELECT count(*) FROM account) AS accounts, (SELECT count(*) FROM merchant) AS merchants, (SELECT count(*) FROM buyer) AS buyers, (SELECT count(*) FROM reveal_log) AS reveals, (SELECT array_agg(permissions::text ORDER BY id) FROM account) AS grants, (SELECT array_agg(disabled ORDER BY id) FROM account) AS disabled, (SELECT count(*) FROM virtual_number_binding) AS bindings, (SELECT count(*) FROM sms_message) AS sms, (SELECT count(*) FROM sms_verification) AS verifications, (SELECT count(*) FROM other_contact_lookup) AS lookups, (SELECT count(*) FROM idempotency_record) AS keys`),
      order: await queryDatabase(stack.databaseUrl('order'), `SELECT (SELECT count(*) FROM customer_order) AS orders, (SELECT array_agg(status ORDER BY id) FROM customer_order) AS statuses, (SELECT count(*) FROM outbox_event) AS events`),
      credit: await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT (SELECT count(*) FROM credit_account) AS accounts, (SELECT sum(held) FROM credit_account) AS held, (SELECT count(*) FROM outbox_event) AS events`),
    });
    const before = await counts();

    const pathSegment = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd')) || '%20';
    const injections = ["' OR 1=1 --", "'; DROP TABLE customer_order; --", '=HYPERLINK("http://x","y")', '+SUM(1,1)', '@cmd', '‮gnp.exe', 'a\u0000b', '😀'.repeat(30), '\ud800', 'Ａ'.repeat(3), ' ', ''];
    const moneyValues: unknown[] = [-1, 1.5, 0.1, 1e20, Number.MAX_SAFE_INTEGER + 2, '100', null, true, [], {}, 'NaN'];
    const good = await creditOrder(merchantId, 100);
    const requests: Array<{ client: GatewayClient; method: string; path: string; body?: unknown; raw?: string; headers?: Record<string, string> }> = [];
    const add = (client: GatewayClient, method: string, path: string, body?: unknown, headers?: Record<string, string>) => requests.push({ client, method, path, body, headers });

    // Malformed JSON and wrong media types on every state-changing endpoint.
    const writeEndpoints: Array<[GatewayClient, string, string]> = [
      [gateway, 'POST', '/auth/token'],
      [operator, 'POST', '/merchants'],
      [operator, 'POST', '/buyers'],
      [buyer, 'POST', '/orders'],
      [buyer, 'POST', `/orders/${order.id}/cancel`],
      [main, 'POST', `/merchants/${merchantId}/sub-accounts`],
      [main, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`],
      [operator, 'PUT', `/accounts/${sub.id}/status`],
      [operator, 'POST', '/admin/clock'],
      [main, 'POST', '/merchant/sms-verifications'],
      [main, 'POST', '/merchant/sms-verifications/confirm'],
      [main, 'POST', `/merchant/orders/${order.id}/other-contacts`],
      [main, 'POST', `/merchant/orders/${order.id}/virtual-number`],
    ];
    for (const [client, method, path] of writeEndpoints) {
      for (const raw of ['{', '{"a":', '[1,2', 'null x', '{"a":1}}', '\u0000', '{"x": undefined}']) add(client, method, path, raw);
      add(client, method, path, 'a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' });
      add(client, method, path, 'plain text', { 'content-type': 'text/plain' });
      add(client, method, path, JSON.stringify({ padding: 'x'.repeat(1_100_000) }));
      add(client, method, path, { unexpected: 'field', another: 1 });
      add(client, method, path, []);
      add(client, method, path, 42);
    }
    // Orders: every money field with every bad value, injections in strict fields, huge arrays.
    for (const value of moneyValues) {
      add(buyer, 'POST', '/orders', { ...good, items: [{ ...good.items[0], unitPrice: value }] });
      // null means "not given" for the optional freight; every other bad value is refused.
      if (value !== null) add(buyer, 'POST', '/orders', { ...good, freight: value });
      add(buyer, 'POST', '/orders', { ...good, items: [{ ...good.items[0], quantity: value }] });
      add(operator, 'POST', '/buyers', { username: `b-${Math.random().toString(36).slice(2, 8)}`, password: 'buyer-password', name: 'n', phone: '13800000000', creditLimit: value });
      add(main, 'PUT', '/merchant/catalog/skus/sku-hostile', { title: 'Kettle', unitPrice: value, listed: true });
      add(main, 'PUT', '/merchant/freight-rule', { amount: value });
    }
    for (const text of injections) {
      add(buyer, 'POST', '/orders', { ...good, merchantId: text });
      add(buyer, 'POST', '/orders', { ...good, paymentMethod: text });
      add(buyer, 'POST', '/orders', { ...good, consignee: { ...good.consignee, phone: text } });
      add(buyer, 'POST', `/orders/${order.id}/cancel`, { reason: text });
      add(operator, 'POST', '/merchants', { name: 'Shop', mainAccount: { username: text, password: 'merchant-password', phone: '13900000000' } });
      add(operator, 'POST', '/buyers', { username: text, password: 'buyer-password', name: 'n', phone: '13800000000', creditLimit: 1 });
      add(main, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: text, password: 'sub-password', phone: '13900000000' });
      add(main, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: [text] });
      add(operator, 'POST', '/admin/clock', { now: text });
      add(buyer, 'GET', `/orders/${pathSegment(text)}`);
      add(main, 'POST', '/merchant/sms-verifications', { purpose: text });
      add(main, 'POST', '/merchant/sms-verifications/confirm', { purpose: 'OTHER_CONTACTS', code: text });
      add(main, 'POST', `/merchant/orders/${order.id}/virtual-number`, { kind: text });
      add(main, 'POST', `/merchant/orders/${pathSegment(text)}/other-contacts`);
      add(operator, 'GET', `/admin/sms?phone=${pathSegment(text)}`);
      add(main, 'GET', `/merchant/orders/${pathSegment(text)}`);
    }
    add(buyer, 'POST', '/orders', { ...good, items: Array.from({ length: 5_000 }, () => good.items[0]) });
    add(buyer, 'POST', '/orders', { ...good, items: [] });
    add(buyer, 'POST', '/orders', { ...good, items: [{ ...good.items[0], title: 'x'.repeat(10_000) }] });
    add(buyer, 'POST', '/orders', { ...good, credit: { plan: 'INSTALLMENT', periods: 5 } });
    add(buyer, 'POST', '/orders', { ...good, credit: undefined });
    add(buyer, 'POST', '/orders', { ...good, consignee: undefined });
    add(buyer, 'POST', '/orders', { ...good, consignee: { ...good.consignee, address: null } });
    add(operator, 'POST', '/merchants', { name: 'Shop' });
    add(buyer, 'POST', '/orders', { ...good, merchantId: '00000000-0000-4000-8000-000000000000' });
    add(main, 'GET', `/merchant/orders/${order.id}?reveal=maybe`);
    add(main, 'GET', `/merchants/${merchantId}/reveal-log?limit=lots`);
    add(main, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['VIEW_ORDERS', 'VIEW_ORDERS'] });
    add(main, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['EXPORT_SENSITIVE'] });
    add(operator, 'POST', '/admin/clock', { advanceBySeconds: -5 });
    add(operator, 'POST', '/admin/clock', { advanceBySeconds: 1.5 });
    add(operator, 'PUT', `/accounts/${sub.id}/status`, { disabled: 'yes' });
    // Wrong identities: nobody, the wrong role, a forged token.
    const forged = gateway.withToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6Ik9QRVJBVE9SIn0.invalid');
    for (const [, method, path] of writeEndpoints.slice(1)) {
      add(gateway, method, path, {});
      add(forged, method, path, {});
    }
    add(buyer, 'POST', '/merchants', { name: 'Shop', mainAccount: { username: 'shopx', password: 'merchant-password', phone: '13900000000' } });
    add(main, 'POST', '/buyers', { username: 'buyerx', password: 'buyer-password', name: 'n', phone: '13800000000', creditLimit: 1 });
    add(main, 'POST', '/orders', good);
    add(buyer, 'GET', `/merchant/orders/${order.id}`);

    expect(requests.length).toBeGreaterThanOrEqual(300);
    const failures: string[] = [];
    for (const request of requests) {
      const raw = typeof request.body === 'string';
      const result = await request.client.request(request.method, request.path, raw ? request.body : request.body, { ...(raw ? { 'content-type': 'application/json' } : {}), ...request.headers });
      const isProblem = result.status >= 400 && result.status < 500 && /application\/problem\+json/.test(result.contentType ?? '') && typeof result.body?.code === 'string';
      if (!isProblem) failures.push(`${request.method} ${request.path} ${String(raw ? request.body : JSON.stringify(request.body)).slice(0, 80)} → ${result.status} ${JSON.stringify(result.body).slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('never writes personal data to the logs', async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const logs = readdirSync(LOG_DIR).map((file) => readFileSync(join(LOG_DIR, file), 'utf8')).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [CONSIGNEE.phone, CONSIGNEE.name, '13800138000', '王小明', '科技园', 'buyer-password', 'merchant-password']) expect(logs).not.toContain(secret);
  });
});

import { createBuyer, createMerchant, creditOrder, GatewayClient, operatorOf, waitForStatus } from './gateway-client';
import { waitUntil } from './infrastructure';

/**
 * The first vertical slice (issue 2), through the public API only, so the same story runs
 * on the multi-process stack and on the embedded platform.
 */
export function creditOrderSliceTests(gatewayUrl: () => string): void {
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchantId: string;

  beforeAll(async () => {
    gateway = new GatewayClient(gatewayUrl());
    operator = await operatorOf(gateway);
    merchantId = await createMerchant(operator);
  });

  it('holds the payable amount of a credit order, then releases it when the buyer cancels', async () => {
    const { client: buyer } = await createBuyer(gateway, operator, 10_000);
    const placed = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, 1_250, 2, 500));
    expect(placed).toMatchObject({ status: 'UNPAID', payable: 3_000, goodsTotal: 2_500, freight: 500 });

    const waiting = await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    expect(waiting.credit?.holdId).toEqual(expect.any(String));
    expect(waiting.history.map((h: { to: string }) => h.to)).toEqual(['UNPAID', 'WAITING_OUTBOUND']);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ limit: 10_000, held: 3_000, available: 7_000, outstanding: 0, activeHolds: 1 });

    const cancelled = await buyer.expect(200, 'POST', `/orders/${placed.id}/cancel`, { reason: 'NO_LONGER_WANTED' });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'NO_LONGER_WANTED', by: 'BUYER' } });
    const account = await waitUntil(async () => {
      const current = await buyer.expect(200, 'GET', '/credit/account');
      return current.held === 0 ? current : undefined;
    }, 'the hold to be released');
    expect(account).toMatchObject({ held: 0, available: 10_000, activeHolds: 0 });

    const again = await buyer.request('POST', `/orders/${placed.id}/cancel`, { reason: 'NO_LONGER_WANTED' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_ORDER_TRANSITION');
  });

  it('declines a credit order above the available limit and cancels it with CREDIT_DECLINED', async () => {
    const { client: buyer } = await createBuyer(gateway, operator, 5_000);
    const placed = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, 5_001));
    const cancelled = await waitForStatus(buyer, placed.id, 'CANCELLED');
    expect(cancelled.cancellation).toEqual({ reason: 'CREDIT_DECLINED', by: 'SYSTEM' });
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ held: 0, available: 5_000 });

    // Exactly the available amount is still granted.
    const exact = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, 5_000));
    await waitForStatus(buyer, exact.id, 'WAITING_OUTBOUND');
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ held: 5_000, available: 0 });
  });

  it('never grants two racing orders the last of a line', async () => {
    const { client: buyer } = await createBuyer(gateway, operator, 10_000);
    const body = await creditOrder(merchantId, 4_000);
    const orders = await Promise.all(Array.from({ length: 6 }, () => buyer.expect(201, 'POST', '/orders', body)));
    const settled = await Promise.all(
      orders.map((order) =>
        waitUntil(async () => {
          const current = await buyer.expect(200, 'GET', `/orders/${order.id}`);
          return current.status === 'UNPAID' ? undefined : current;
        }, `order ${order.id} to settle`),
      ),
    );
    const granted = settled.filter((order) => order.status === 'WAITING_OUTBOUND');
    expect(granted).toHaveLength(2);
    expect(settled.filter((order) => order.status === 'CANCELLED' && order.cancellation.reason === 'CREDIT_DECLINED')).toHaveLength(4);
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ held: 8_000, available: 2_000, activeHolds: 2 });
  });

  it('keeps buyers apart: another buyer\'s order answers 404 like a missing one', async () => {
    const { client: owner } = await createBuyer(gateway, operator, 10_000);
    const { client: stranger } = await createBuyer(gateway, operator, 10_000);
    const order = await owner.expect(201, 'POST', '/orders', await creditOrder(merchantId, 100));
    const foreign = await stranger.request('GET', `/orders/${order.id}`);
    const missing = await stranger.request('GET', `/orders/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
    expect((await stranger.request('POST', `/orders/${order.id}/cancel`, { reason: 'NO_LONGER_WANTED' })).status).toBe(404);
  });

  it('answers bad input with problem+json and changes nothing', async () => {
    const { client: buyer } = await createBuyer(gateway, operator, 10_000);
    const good = await creditOrder(merchantId, 100);
    const invalid = await buyer.request('POST', '/orders', { ...good, items: [{ skuId: '', quantity: 0 }] });
    expect(invalid.status).toBe(400);
    expect(invalid.contentType).toMatch(/application\/problem\+json/);
    expect(invalid.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['items.0.quantity', 'items.0.skuId']));

    const malformed = await buyer.request('POST', '/orders', '{"merchantId": ');
    expect(malformed).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });

    // domain.md §1.1a: the buyer never sends a price, a title, freight or service fees.
    const priced = await buyer.request('POST', '/orders', { ...good, items: [{ ...good.items[0], unitPrice: 1, title: 'Kettle' }], freight: 0 });
    expect(priced).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(priced.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['items.0.unitPrice', 'items.0.title', 'freight']));

    const noTerms = await buyer.request('POST', '/orders', { ...good, credit: undefined });
    expect(noTerms).toMatchObject({ status: 422, body: { code: 'INVALID_PAYMENT_TERMS' } });

    const unknownMerchant = await buyer.request('POST', '/orders', { ...good, merchantId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownMerchant).toMatchObject({ status: 422, body: { code: 'UNKNOWN_MERCHANT' } });

    const anonymous = await gateway.request('POST', '/orders', good);
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(await operator.request('POST', '/orders', good)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await gateway.request('POST', '/auth/token', { username: 'operator', password: 'wrong-password' })).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });

    // None of that touched the line.
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ held: 0, available: 10_000, activeHolds: 0 });
  });

  it('serves health and the OpenAPI document', async () => {
    const health = await gateway.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({ database: 'up', eventBus: 'up', consumer: 'up' });
    // The services are reported beside the gateway's own checks (docs/observability.md "Health").
    expect(health.body.downstream).toMatchObject({ 'order-service': 'up', 'credit-billing-service': 'up' });
    const docs = await fetch(`${gatewayUrl()}/docs/openapi.json`);
    expect(docs.status).toBe(200);
    const document = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/orders', '/api/v1/orders/{id}/cancel', '/api/v1/credit/account', '/api/v1/auth/token']));
  });
}

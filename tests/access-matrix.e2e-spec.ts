import { randomUUID } from 'node:crypto';
import { ShipmentDelivered } from '@orderline/shared/contracts';
import { EventPublisher } from './support/event-publisher';
import { catalogItems, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(600_000);

/**
 * Issue 12 item 3: every operation of the OpenAPI document, called by every kind of principal
 * with path ids pointing at real objects of the first merchant and buyer. Each answer must have
 * the status class the table below expects, never 5xx, and no answer may carry another party's
 * personal data in clear — except the logged reveal to an account granted it.
 *
 * Who may call a route (ACCESS):
 * - 'anyone': public (a token is not needed, and any token is fine);
 * - 'signed': public but signed by a carrier (every caller here is refused with 401);
 * - 'buyer' / 'operator': that role;
 * - 'merchant:<GRANT>': a merchant's main account or a sub-account holding GRANT;
 * - 'merchant:ANY': every account of the merchant; 'merchant:MAIN': the main account only.
 * A route missing from the table, or an entry without a route, fails the suite: a new route
 * must say who may call it.
 */
const ACCESS: Record<string, readonly string[]> = {
  'POST /api/v1/auth/token': ['anyone'],
  'GET /api/v1/auth/me': ['buyer', 'operator', 'merchant:ANY'],
  'GET /api/v1/health': ['anyone'],
  'GET /api/v1/health/ready': ['anyone'],
  'GET /api/v1/health/live': ['anyone'],
  'POST /api/v1/carrier-events': ['signed'],
  'POST /api/v1/merchants': ['operator'],
  'POST /api/v1/buyers': ['operator'],
  'PUT /api/v1/accounts/{id}/status': ['operator'],
  'POST /api/v1/merchants/{id}/sub-accounts': ['merchant:MAIN'],
  'GET /api/v1/merchants/{id}/sub-accounts': ['merchant:MAIN'],
  'PUT /api/v1/merchants/{id}/sub-accounts/{sid}/permissions': ['merchant:MAIN'],
  'GET /api/v1/merchants/{id}/reveal-log': ['merchant:MAIN'],
  'GET /api/v1/admin/clock': ['operator'],
  'POST /api/v1/admin/clock': ['operator'],
  'GET /api/v1/admin/outbox/parked': ['operator'],
  'POST /api/v1/admin/outbox/parked/redrive': ['operator'],
  'GET /api/v1/admin/dead-letters': ['operator'],
  'POST /api/v1/admin/dead-letters/redrive': ['operator'],
  'POST /api/v1/admin/refunds/{refundId}/credit-offset/retry': ['operator'],
  'POST /api/v1/admin/refunds/{refundId}/settlement/escalate': ['operator'],
  'GET /api/v1/admin/sms': ['operator'],
  'POST /api/v1/after-sales': ['buyer'],
  'GET /api/v1/after-sales': ['buyer'],
  'GET /api/v1/after-sales/refundable': ['buyer', 'operator', 'merchant:AFTER_SALES'],
  'GET /api/v1/after-sales/{id}': ['buyer', 'operator'],
  'POST /api/v1/after-sales/{id}/return-shipment': ['buyer'],
  'GET /api/v1/merchant/after-sales': ['merchant:AFTER_SALES'],
  'GET /api/v1/merchant/after-sales/{id}': ['merchant:AFTER_SALES'],
  'POST /api/v1/merchant/after-sales/{id}/approve': ['merchant:AFTER_SALES'],
  'POST /api/v1/merchant/after-sales/{id}/reject': ['merchant:AFTER_SALES'],
  'POST /api/v1/merchant/after-sales/{id}/confirm-receipt': ['merchant:AFTER_SALES'],
  'POST /api/v1/merchant/cancellation-requests': ['merchant:OPERATE_ORDERS'],
  'GET /api/v1/merchant/cancellation-requests': ['merchant:VIEW_ORDERS'],
  'GET /api/v1/merchant/cancellation-requests/{id}': ['merchant:VIEW_ORDERS'],
  'POST /api/v1/merchant/cancellation-requests/{id}/withdraw': ['merchant:OPERATE_ORDERS'],
  'GET /api/v1/cancellation-requests': ['buyer', 'operator'],
  'GET /api/v1/cancellation-requests/{id}': ['buyer', 'operator'],
  'POST /api/v1/cancellation-requests/{id}/object': ['buyer'],
  'POST /api/v1/carriers': ['operator'],
  'GET /api/v1/carriers': ['operator'],
  'POST /api/v1/carriers/{id}/rotate-secret': ['operator'],
  'POST /api/v1/merchant/sms-verifications': ['merchant:ANY'],
  'POST /api/v1/merchant/sms-verifications/confirm': ['merchant:ANY'],
  'POST /api/v1/merchant/orders/{id}/other-contacts': ['merchant:LOOKUP_OTHER_CONTACTS'],
  'POST /api/v1/merchant/orders/{id}/virtual-number': ['merchant:VIEW_ORDERS'],
  'GET /api/v1/credit/account': ['buyer'],
  'GET /api/v1/credit/loans': ['buyer'],
  'GET /api/v1/credit/statements': ['buyer'],
  'GET /api/v1/credit/statements/{id}': ['buyer'],
  'POST /api/v1/credit/repayments': ['buyer'],
  'POST /api/v1/credit/repayments/{id}/confirmation': ['operator'],
  'GET /api/v1/credit/ledger': ['operator'],
  'PUT /api/v1/credit/accounts/{id}/limit': ['operator'],
  'GET /api/v1/credit/products': ['operator'],
  'PUT /api/v1/credit/products': ['operator'],
  'POST /api/v1/merchant/shipments': ['merchant:SHIP'],
  'GET /api/v1/merchant/shipments/options': ['merchant:SHIP'],
  'GET /api/v1/merchant/shipments/without-tracking': ['merchant:VIEW_ORDERS'],
  'GET /api/v1/merchant/shipments/{id}': ['merchant:VIEW_ORDERS'],
  'PATCH /api/v1/merchant/shipments/{id}/waybill': ['merchant:SHIP'],
  'POST /api/v1/merchant/shipments/{id}/intercept': ['merchant:SHIP'],
  'GET /api/v1/merchant/shipments/{id}/packing-slip': ['merchant:SHIP'],
  'GET /api/v1/merchant/shipments/{id}/waybill-label': ['merchant:SHIP'],
  'GET /api/v1/merchant/replacements': ['merchant:SHIP'],
  'POST /api/v1/merchant/replacements/{id}/ship': ['merchant:SHIP'],
  'GET /api/v1/merchant/return-parcels/without-tracking': ['merchant:AFTER_SALES'],
  'GET /api/v1/orders/{id}/tracking': ['buyer', 'operator', 'merchant:VIEW_ORDERS'],
  'POST /api/v1/orders/{id}/extend-receipt': ['buyer'],
  'PUT /api/v1/merchants/{id}/express-service': ['operator'],
  'POST /api/v1/merchant/exports': ['merchant:EXPORT'],
  'GET /api/v1/merchant/exports': ['merchant:EXPORT'],
  'GET /api/v1/merchant/exports/{id}': ['merchant:EXPORT'],
  'POST /api/v1/merchant/exports/{id}/retry': ['merchant:EXPORT'],
  'GET /api/v1/merchant/exports/{id}/file': ['merchant:EXPORT'],
  'POST /api/v1/merchant/exports/{id}/password-sms': ['merchant:EXPORT'],
  'PUT /api/v1/merchants/{id}/export-lock': ['operator'],
  'GET /api/v1/exports/read-model': ['operator'],
  'POST /api/v1/merchant/orders/late-shipping-reports': ['merchant:OPERATE_ORDERS'],
  'POST /api/v1/merchant/orders/remarks': ['merchant:OPERATE_ORDERS'],
  'GET /api/v1/merchant/orders': ['merchant:VIEW_ORDERS'],
  'GET /api/v1/merchant/orders/{id}': ['merchant:VIEW_ORDERS'],
  'POST /api/v1/merchant/orders/{id}/pause': ['merchant:OPERATE_ORDERS'],
  'POST /api/v1/merchant/orders/{id}/resume': ['merchant:OPERATE_ORDERS'],
  'PATCH /api/v1/merchant/orders/{id}/fees': ['merchant:OPERATE_ORDERS'],
  'PATCH /api/v1/merchant/orders/{id}/consignee': ['merchant:OPERATE_ORDERS'],
  'POST /api/v1/merchant/orders/{id}/redeem': ['merchant:OPERATE_ORDERS'],
  'POST /api/v1/group-buys/{groupId}/formed': ['operator'],
  'POST /api/v1/operations/logistics-disruptions/lift': ['operator'],
  'POST /api/v1/operations/stock-arrivals': ['operator'],
  'POST /api/v1/orders': ['buyer'],
  'GET /api/v1/orders': ['buyer'],
  'PUT /api/v1/merchant/catalog/skus/{skuId}': ['merchant:MANAGE_CATALOG'],
  'GET /api/v1/merchant/catalog/skus': ['merchant:VIEW_ORDERS'],
  'PUT /api/v1/merchant/freight-rule': ['merchant:MANAGE_CATALOG'],
  'GET /api/v1/merchant/freight-rule': ['merchant:VIEW_ORDERS'],
  'POST /api/v1/merchant/coupons': ['merchant:MANAGE_CATALOG'],
  'GET /api/v1/merchant/coupons': ['merchant:VIEW_ORDERS'],
  'GET /api/v1/orders/{id}': ['buyer', 'operator', 'merchant:VIEW_ORDERS'],
  'GET /api/v1/orders/{id}/lines/{lineId}/snapshot': ['buyer', 'operator', 'merchant:VIEW_ORDERS'],
  'PUT /api/v1/orders/{id}/risk-flag': ['operator'],
  'POST /api/v1/orders/{id}/pay': ['buyer'],
  'POST /api/v1/orders/{id}/cancel': ['buyer'],
  'POST /api/v1/orders/{id}/confirm-receipt': ['buyer'],
  'POST /api/v1/orders/{id}/cod-reconciliation': ['operator'],
  'POST /api/v1/orders/{id}/advance-compensations': ['operator'],
  'POST /api/v1/merchant/orders/{id}/direct-compensations': ['merchant:AFTER_SALES'],
};

const GRANTS = ['VIEW_ORDERS', 'OPERATE_ORDERS', 'SHIP', 'AFTER_SALES', 'EXPORT', 'EXPORT_SENSITIVE', 'REVEAL_CONSUMER_INFO', 'LOOKUP_OTHER_CONTACTS', 'MANAGE_CATALOG'] as const;

/**
 * Answers that may show the first buyer's consignee in clear to a merchant account, and why:
 * the logged reveal (domain.md §6.1) and the printed e-waybill (§2.1: it prints the real phone).
 */
const CLEAR_FOR_MERCHANT: Record<string, string> = {
  'GET /api/v1/merchant/orders/{id}?reveal=true': 'REVEAL_CONSUMER_INFO',
  'GET /api/v1/merchant/shipments/{id}/waybill-label': 'SHIP',
};

/** Refusals that mean "allowed, but a precondition is missing" (not an access decision). */
const PRECONDITION_REFUSALS: Record<string, readonly string[]> = {
  // domain.md §6.3: the look-up needs today's SMS verification first.
  'POST /api/v1/merchant/orders/{id}/other-contacts': ['SMS_VERIFICATION_REQUIRED'],
};

const isEmptyList = (body: any): boolean => (Array.isArray(body) && body.length === 0) || (Array.isArray(body?.items) && body.items.length === 0);

interface Principal {
  label: string;
  client: GatewayClient;
  role: 'ANONYMOUS' | 'BUYER' | 'MERCHANT' | 'OPERATOR';
  /** Merchant accounts: MAIN or the grants of the sub-account. */
  main?: boolean;
  grants?: readonly string[];
  /** The first buyer or first merchant (whose objects the path ids name), or another party. */
  party: 'FIRST' | 'OTHER' | 'PLATFORM' | 'NONE';
}

describe('access matrix: every route of /docs-json with every kind of principal (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let publisher: EventPublisher;
  const names = isolation('access');
  const stamp = String(Date.now()).slice(-7);
  // Personal data used in the test, per party: nobody else may read it in clear.
  const firstBuyer = { name: '钱多多', phone: `1351${stamp}`, county: '宝安区', detail: '梧桐路 88 号' };
  const otherBuyer = { name: '赵钱孙', phone: `1352${stamp}`, county: '天河区', detail: '体育西路 9 号' };
  const firstMerchantPhones = [`1391${stamp}`, ...GRANTS.map((_, i) => `138${i}${stamp}0`.slice(0, 11)), `1370${stamp}`];
  const otherMerchantPhone = `1393${stamp}`;
  const principals: Principal[] = [];
  const ids: Record<string, string> = {};
  let document: { paths: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 5400,
      logDir: 'tmp/test-logs/access-matrix',
      env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', TEST_CLOCK: '1', RATE_LIMIT_ACCOUNT_PER_MINUTE: '100000', RATE_LIMIT_IP_PER_MINUTE: '100000' },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    const operator = await operatorOf(gateway);

    const merchant = async (phone: string) => {
      const username = `mx-${randomUUID().slice(0, 8)}`;
      const id = (await operator.expect(201, 'POST', '/merchants', { name: `Matrix ${username}`, mainAccount: { username, password: 'merchant-password', phone } })).id as string;
      return { id, client: await gateway.login(username, 'merchant-password'), username };
    };
    const buyer = async (person: typeof firstBuyer) => {
      const username = `bx-${randomUUID().slice(0, 8)}`;
      const created = await operator.expect(201, 'POST', '/buyers', { username, password: 'buyer-password', name: person.name, phone: person.phone, creditLimit: 10_000_000 });
      return { ...created, client: await gateway.login(username, 'buyer-password') };
    };
    const first = await merchant(firstMerchantPhones[0]);
    const other = await merchant(otherMerchantPhone);
    const buyerA = await buyer(firstBuyer);
    const buyerB = await buyer(otherBuyer);
    ids.merchant = first.id;
    ids.creditAccount = buyerA.creditAccountId;

    principals.push({ label: 'anonymous', client: gateway, role: 'ANONYMOUS', party: 'NONE' });
    principals.push({ label: 'buyer', client: buyerA.client, role: 'BUYER', party: 'FIRST' });
    principals.push({ label: 'another buyer', client: buyerB.client, role: 'BUYER', party: 'OTHER' });
    principals.push({ label: 'main account', client: first.client, role: 'MERCHANT', main: true, grants: GRANTS, party: 'FIRST' });
    const sub = async (label: string, grants: readonly string[], phone: string) => {
      const username = `${first.username}-${principals.length}`;
      const created = await first.client.expect(201, 'POST', `/merchants/${first.id}/sub-accounts`, { username, password: 'sub-password', phone, permissions: grants });
      principals.push({ label, client: await gateway.login(username, 'sub-password'), role: 'MERCHANT', main: false, grants, party: 'FIRST' });
      return created.id as string;
    };
    ids.subAccount = await sub('sub-account without grants', [], firstMerchantPhones.at(-1)!);
    for (const [i, grant] of GRANTS.entries()) await sub(`sub-account with ${grant}`, grant === 'EXPORT_SENSITIVE' ? ['EXPORT', 'EXPORT_SENSITIVE'] : [grant], firstMerchantPhones[i + 1]);
    principals.push({ label: 'another merchant', client: other.client, role: 'MERCHANT', main: true, grants: GRANTS, party: 'OTHER' });
    principals.push({ label: 'operator', client: operator, role: 'OPERATOR', party: 'PLATFORM' });

    // Real objects of the first merchant and buyer for every kind of path id.
    ids.carrier = (await operator.expect(201, 'POST', '/carriers', { code: 'SF', name: 'SF Express' })).id;
    const shipped = await placeOrder(buyerA.client, first.id, 'CREDIT');
    const shipment = await first.client.expect(201, 'POST', '/merchant/shipments', { orderIds: [shipped.id], carrier: 'SF', waybillNo: `SF${stamp}12345` });
    ids.shipment = shipment.results[0].shipmentId;
    await waitForStatus(buyerA.client, shipped.id, 'SHIPPED');
    await publisher.publish(ShipmentDelivered, { shipmentId: ids.shipment, orderId: shipped.id, carrierKind: 'THIRD_PARTY' }, 'logistics-service');
    await waitForStatus(buyerA.client, shipped.id, 'DELIVERED');
    ids.order = shipped.id;
    ids.line = shipped.lines[0].id;
    ids.afterSales = await waitUntil(async () => {
      const applied = await buyerA.client.request('POST', '/after-sales', { orderId: shipped.id, type: 'RETURN_AND_REFUND', lines: [{ lineId: ids.line, quantity: 1 }], reason: 'DEFECTIVE', evidence: ['img://evidence/1.jpg'] });
      return applied.status === 201 ? (applied.body.id as string) : undefined;
    }, 'after-sales to accept the request');
    const cod = await placeOrder(buyerA.client, first.id, 'COD');
    ids.cancellationRequest = (await first.client.expect(201, 'POST', '/merchant/cancellation-requests', { orderId: cod.id, reason: 'BUYER_ASKED_TO_CANCEL' })).id;
    await waitUntil(async () => ((await first.client.expect(200, 'GET', `/merchant/orders?orderId=${shipped.id}`)).items.length > 0 ? true : undefined), 'the merchant list');
    const from = new Date(Date.now() - 86_400_000).toISOString();
    ids.export = (await first.client.expect(202, 'POST', '/merchant/exports', { type: 'ORDER_DETAILS', format: 'CSV', consigneeMode: 'MASKED', from, to: new Date(Date.now() + 60_000).toISOString() })).id;

    document = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as typeof document;
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  /** The one place this suite places orders (order placement is moving to the merchant catalog). */
  async function placeOrder(client: GatewayClient, merchantId: string, paymentMethod: 'CREDIT' | 'COD') {
    const placed = await client.expect(201, 'POST', '/orders', {
      merchantId,
      items: await catalogItems(merchantId, [{ skuId: 'sku-matrix', title: 'Matrix lamp', unitPrice: 3_000, quantity: 2 }]),
      consignee: { name: firstBuyer.name, phone: firstBuyer.phone, address: { province: '广东省', city: '深圳市', county: firstBuyer.county, detail: firstBuyer.detail } },
      paymentMethod,
      ...(paymentMethod === 'CREDIT' ? { credit: { plan: 'DEFERRED' } } : {}),
    });
    return waitForStatus(client, placed.id, 'WAITING_OUTBOUND');
  }

  /** A real object of the first merchant/buyer for each path parameter. */
  function pathFor(path: string): string {
    const idOf = (): string => {
      const table: Array<[RegExp, string]> = [
        [/^\/api\/v1\/(merchant\/)?orders\/\{id\}/, ids.order],
        [/^\/api\/v1\/merchant\/shipments\/\{id\}/, ids.shipment],
        [/^\/api\/v1\/(merchant\/)?after-sales\/\{id\}/, ids.afterSales],
        // The fixture's request is a return, not an exchange: its replacement answers like a missing one.
        [/^\/api\/v1\/merchant\/replacements\/\{id\}/, ids.afterSales],
        [/^\/api\/v1\/(merchant\/)?cancellation-requests\/\{id\}/, ids.cancellationRequest],
        [/^\/api\/v1\/merchant\/exports\/\{id\}/, ids.export],
        [/^\/api\/v1\/merchants\/\{id\}/, ids.merchant],
        [/^\/api\/v1\/accounts\/\{id\}/, ids.subAccount],
        [/^\/api\/v1\/carriers\/\{id\}/, ids.carrier],
        [/^\/api\/v1\/credit\/accounts\/\{id\}/, ids.creditAccount],
        // Repayments confirm at once by default: any id answers like a missing one.
        [/^\/api\/v1\/credit\/repayments\/\{id\}/, '00000000-0000-4000-8000-000000000000'],
        // No statement is issued yet: any id answers like a missing one (still never 5xx).
        [/^\/api\/v1\/credit\/statements\/\{id\}/, '00000000-0000-4000-8000-000000000000'],
      ];
      const match = table.find(([pattern]) => pattern.test(path));
      if (!match) throw new Error(`no fixture for {id} in ${path}: add one to pathFor()`);
      return match[1];
    };
    return path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (name === 'id') return idOf();
      if (name === 'sid') return ids.subAccount;
      if (name === 'lineId') return ids.line;
      if (name === 'groupId') return 'grp-matrix';
      if (name === 'skuId') return 'sku-matrix';
      // No refund is granted in these fixtures: any id answers like a missing one (never 5xx).
      if (name === 'refundId') return '00000000-0000-4000-8000-000000000000';
      throw new Error(`no fixture for {${name}} in ${path}: add one to pathFor()`);
    });
  }

  /** Query strings that make a read return data instead of a 400. */
  function queryFor(key: string): string {
    const queries: Record<string, string> = {
      'GET /api/v1/after-sales/refundable': `?orderId=${ids.order}`,
      'GET /api/v1/credit/loans': `?orderId=${ids.order}`,
      'GET /api/v1/admin/sms': `?phone=${firstBuyer.phone}`,
      'GET /api/v1/merchant/orders': `?limit=100`,
    };
    return queries[key] ?? '';
  }

  function mayCall(access: readonly string[], principal: Principal): boolean {
    return access.some((rule) => {
      if (rule === 'anyone') return true;
      if (rule === 'signed') return false;
      if (rule === 'buyer') return principal.role === 'BUYER';
      if (rule === 'operator') return principal.role === 'OPERATOR';
      const [role, grant] = rule.split(':');
      if (role !== 'merchant' || principal.role !== 'MERCHANT') return false;
      if (grant === 'MAIN') return Boolean(principal.main);
      return Boolean(principal.main) || grant === 'ANY' || (principal.grants ?? []).includes(grant);
    });
  }

  /** Clear personal values the principal must not receive: those of every party but its own (operators are the platform). */
  function forbiddenFor(principal: Principal): string[] {
    const buyerA = [firstBuyer.name, firstBuyer.phone, firstBuyer.county, firstBuyer.detail];
    const buyerB = [otherBuyer.name, otherBuyer.phone, otherBuyer.county, otherBuyer.detail];
    if (principal.role === 'OPERATOR') return [];
    if (principal.role === 'BUYER') return principal.party === 'FIRST' ? [...buyerB, ...firstMerchantPhones, otherMerchantPhone] : [...buyerA, ...firstMerchantPhones, otherMerchantPhone];
    if (principal.role === 'MERCHANT') return principal.party === 'FIRST' ? [...buyerA, ...buyerB, otherMerchantPhone] : [...buyerA, ...buyerB, ...firstMerchantPhones];
    return [...buyerA, ...buyerB, ...firstMerchantPhones, otherMerchantPhone];
  }

  it('has an entry in the access table for every operation of /docs-json, and no entry without one', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.filter((op) => !(op in ACCESS))).toEqual([]);
    expect(Object.keys(ACCESS).filter((op) => !operations.includes(op))).toEqual([]);
  });

  it('answers every operation to every principal with the expected status class, never 5xx, and never with another party\'s personal data in clear', async () => {
    const failures: string[] = [];
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path, key: `${m.toUpperCase()} ${path}` })),
    );
    // Reads first, so the state changes of the writes come last; the reveal once more with reveal=true.
    operations.sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));
    const calls: Array<{ method: string; path: string; query: string; exemptKey: string; access: readonly string[] }> = [
      ...operations.map((op) => ({ method: op.method, path: op.path, query: queryFor(op.key), exemptKey: op.key, access: ACCESS[op.key] ?? [] })),
      // The reveal needs VIEW_ORDERS and REVEAL_CONSUMER_INFO; here only main accounts hold both.
      { method: 'GET', path: '/api/v1/merchant/orders/{id}', query: '?reveal=true', exemptKey: 'GET /api/v1/merchant/orders/{id}?reveal=true', access: ['merchant:MAIN'] },
    ];

    for (const call of calls) {
      const access = call.access;
      const concrete = pathFor(call.path).slice('/api/v1'.length) + call.query;
      const namesFirstPartyObject = /\{(id|sid|lineId)\}/.test(call.path) || call.query.includes('orderId=');
      for (const principal of principals) {
        const result = await principal.client.request(call.method, concrete, call.method === 'GET' ? undefined : {});
        const where = `${call.method} ${concrete} as ${principal.label} → ${result.status}`;
        if (result.status >= 500) failures.push(`${where}: server error ${JSON.stringify(result.body).slice(0, 200)}`);
        else if (access.includes('signed')) {
          if (result.status !== 401) failures.push(`${where}: an unsigned carrier event must be 401`);
        } else if (principal.role === 'ANONYMOUS') {
          if (!access.includes('anyone') && result.status !== 401) failures.push(`${where}: expected 401`);
        } else if (!mayCall(access, principal)) {
          if (![401, 403].includes(result.status)) failures.push(`${where}: expected 403 for a caller the table does not allow`);
        } else if (principal.party === 'OTHER' && namesFirstPartyObject) {
          // A filter by another party's order may answer an empty list; nothing else.
          const filteredToNothing = !/\{(id|sid|lineId)\}/.test(call.path) && isEmptyList(result.body);
          if (result.status < 400 && !filteredToNothing) failures.push(`${where}: another party reached the first party's object`);
        } else if ([401, 403].includes(result.status) && !(PRECONDITION_REFUSALS[call.exemptKey] ?? []).includes(result.body?.code)) {
          failures.push(`${where}: refused a caller the table allows (${JSON.stringify(result.body).slice(0, 160)})`);
        }

        const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body ?? '');
        const exemptGrant = CLEAR_FOR_MERCHANT[call.exemptKey];
        const exempt = exemptGrant && principal.role === 'MERCHANT' && principal.party === 'FIRST' && (principal.main || (principal.grants ?? []).includes(exemptGrant));
        if (!exempt) for (const value of forbiddenFor(principal)) if (text.includes(value)) failures.push(`${where}: the answer shows "${value}" in clear`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('reveals the consignee only through the logged reveal, to an account holding REVEAL_CONSUMER_INFO', async () => {
    const revealer = principals.find((p) => p.label === 'sub-account with REVEAL_CONSUMER_INFO')!;
    const viewer = principals.find((p) => p.label === 'sub-account with VIEW_ORDERS')!;
    expect(await viewer.client.request('GET', `/merchant/orders/${ids.order}?reveal=true`)).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED' } });
    const masked = await viewer.client.expect(200, 'GET', `/orders/${ids.order}`);
    expect(masked.consignee).toMatchObject({ name: '钱**', address: { county: '***', detail: '***' } });
    // The reveal also needs VIEW_ORDERS to read the order at all.
    const main = principals.find((p) => p.label === 'main account')!;
    const revealed = await main.client.expect(200, 'GET', `/merchant/orders/${ids.order}?reveal=true`);
    expect(revealed).toMatchObject({ consigneeRevealed: true, consignee: { name: firstBuyer.name, phone: firstBuyer.phone } });
    const log = await main.client.expect(200, 'GET', `/merchants/${ids.merchant}/reveal-log`);
    expect(JSON.stringify(log)).toContain(ids.order);
    expect((await revealer.client.request('GET', `/merchant/orders/${ids.order}?reveal=true`)).status).toBe(403);
  });
});

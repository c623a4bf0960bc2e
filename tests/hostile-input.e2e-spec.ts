import { randomBytes, scryptSync } from 'node:crypto';
import { queryDatabase } from './support/databases';
import { createBuyer, creditOrder, GatewayClient, operatorOf } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(300_000);

/**
 * A hostile client against the stack (real Kafka + PostgreSQL), issue 12 items 5, 8 and 9:
 * bad text in every free-text field, deep and huge bodies, a disabled main account's
 * sub-accounts. docs/security.md describes the rules these tests hold the platform to.
 */

/** Text no field may store: refused with 400 wherever it is sent. */
const INVALID_TEXT: Record<string, string> = {
  nul: 'Ket\u0000tle',
  escape: 'red\u001B[31m',
  loneHighSurrogate: 'Kettle \uD800',
  loneLowSurrogate: '\uDC00 Kettle',
  megabyte: 'x'.repeat(1_000_000),
};

/** Text that is valid (it may be stored) but must never cause a 5xx: it is neutralised where it matters. */
const AWKWARD_TEXT: Record<string, string> = {
  rtlOverride: '\u202Egnp.exe',
  rtlMark: '\u200F王小明',
  formula: '=HYPERLINK("http://evil","x")',
  fullWidthFormula: '＝1+1',
  spaceFormula: '  @SUM(A1)',
  decomposed: 'Cafe\u0301',
};

// The one place orders are placed (the catalog work changes how: keep it here).
async function orderBody(merchantId: string, overrides: Record<string, unknown> = {}) {
  return { ...(await creditOrder(merchantId, 1_500)), ...overrides };
}

/** Every string leaf of a JSON value, by path. */
function stringPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringPaths(item, [...path, String(index)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...path, key]));
  return [];
}

function withValueAt(body: unknown, path: string[], replacement: string): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let holder: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
  holder[path[path.length - 1]] = replacement;
  return copy;
}

/** OpenAPI: the string properties of a request schema, as paths (arrays as index 0), through $refs. */
function schemaStringPaths(schema: any, components: Record<string, any>, path: string[] = [], seen = new Set<string>()): string[][] {
  if (!schema) return [];
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    if (seen.has(name)) return [];
    return schemaStringPaths(components[name], components, path, new Set([...seen, name]));
  }
  for (const combined of ['allOf', 'oneOf', 'anyOf']) if (schema[combined]) return schema[combined].flatMap((part: any) => schemaStringPaths(part, components, path, seen));
  if (schema.type === 'string') return [path];
  if (schema.type === 'array') return schemaStringPaths(schema.items, components, [...path, '0'], seen);
  if (schema.properties) return Object.entries(schema.properties).flatMap(([key, property]) => schemaStringPaths(property, components, [...path, key], seen));
  return [];
}

function bodyWith(path: string[], value: string): unknown {
  let body: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) body = /^\d+$/.test(path[i]) ? [body] : { [path[i]]: body };
  return body;
}

describe('hostile input: bad text, deep and huge bodies, disabled main accounts (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchantId: string;
  let merchant: GatewayClient;
  let buyer: GatewayClient;
  let buyerId: string;
  let orderId: string;

  const ordersOf = async (id: string) => Number((await queryDatabase(stack.databaseUrl('order'), `SELECT count(*)::int AS n FROM customer_order WHERE buyer_id = $1`, [id]))[0].n);

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...isolation('hostile'),
      basePort: 5600,
      logDir: 'tmp/test-logs/hostile-input',
      env: { DATABASE_POOL_SIZE: '5', LOG_LEVEL: 'info', TEST_CLOCK: '1', RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000', LOGIN_ATTEMPTS_PER_MINUTE: '1000', PASSWORD_SCRYPT_LOG2N: '15' },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    const mainUsername = `hostile-${Math.random().toString(36).slice(2, 10)}`;
    merchantId = (await operator.expect(201, 'POST', '/merchants', { name: 'Hostile Input Shop', mainAccount: { username: mainUsername, password: 'merchant-password', phone: '13900000000' } })).id;
    merchant = await gateway.login(mainUsername, 'merchant-password');
    const buyerAccount = await createBuyer(gateway, operator, 10_000_000);
    buyer = buyerAccount.client;
    buyerId = buyerAccount.buyerId;
    orderId = (await buyer.expect(201, 'POST', '/orders', (await orderBody(merchantId)))).id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses invalid text in every string field of placing an order with 400 naming the field, and stores nothing', async () => {
    const before = await ordersOf(buyerId);
    const base = await orderBody(merchantId, { buyerNote: 'ring twice' });
    const fields = stringPaths(base);
    expect(fields.map((path) => path.join('.'))).toEqual(expect.arrayContaining(['consignee.name', 'consignee.address.detail', 'buyerNote']));
    for (const path of fields) {
      for (const [label, bad] of Object.entries(INVALID_TEXT)) {
        const result = await buyer.request('POST', '/orders', withValueAt(base, path, bad));
        expect({ field: path.join('.'), label, status: result.status }).toEqual({ field: path.join('.'), label, status: 400 });
        expect(result.contentType).toMatch(/application\/problem\+json/);
        expect(result.body.errors.map((error: { field: string }) => error.field)).toContain(path.join('.'));
      }
    }
    expect(await ordersOf(buyerId)).toBe(before);
  });

  it('answers awkward but valid text (RTL marks, formulas, decomposed accents) without a 5xx, stored normalised', async () => {
    const before = await ordersOf(buyerId);
    let accepted = 0;
    for (const [label, awkward] of Object.entries(AWKWARD_TEXT)) {
      for (const path of [['consignee', 'name'], ['consignee', 'address', 'detail'], ['buyerNote']]) {
        const result = await buyer.request('POST', '/orders', withValueAt(await orderBody(merchantId, { buyerNote: 'note' }), path, awkward));
        expect({ label, field: path.join('.'), status: result.status < 500 }).toEqual({ label, field: path.join('.'), status: true });
        if (result.status === 201) accepted += 1;
      }
    }
    expect(await ordersOf(buyerId)).toBe(before + accepted);
    const stored = await queryDatabase(stack.databaseUrl('order'), `SELECT buyer_note FROM customer_order WHERE buyer_id = $1 AND buyer_note LIKE 'Caf%'`, [buyerId]);
    expect(stored.map((row) => row.buyer_note)).toEqual(['Café']);
  });

  it('refuses invalid text in the merchant and buyer write routes and changes nothing', async () => {
    for (const bad of Object.values(INVALID_TEXT)) {
      for (const [client, method, path, body, field] of [
        [merchant, 'PATCH', `/merchant/orders/${orderId}/consignee`, { name: bad }, 'name'],
        [merchant, 'PATCH', `/merchant/orders/${orderId}/consignee`, { address: { province: '广东省', city: '深圳市', county: '南山区', detail: bad } }, 'address.detail'],
        [merchant, 'POST', '/merchant/orders/remarks', { orderIds: [orderId], remark: bad }, 'remark'],
        [buyer, 'POST', `/orders/${orderId}/cancel`, { reason: bad }, 'reason'],
      ] as Array<[GatewayClient, string, string, unknown, string]>) {
        const result = await client.request(method, path, body);
        expect({ path, status: result.status }).toEqual({ path, status: 400 });
        expect(result.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      }
    }
    const [row] = await queryDatabase(stack.databaseUrl('order'), `SELECT status FROM customer_order WHERE id = $1`, [orderId]);
    expect(row.status).not.toBe('CANCELLED');
    const order = await buyer.expect(200, 'GET', `/orders/${orderId}`);
    expect(JSON.stringify(order)).not.toMatch(/\\u0000|Ket.tle/);
  });

  it('walks every write route of /docs-json: a NUL or a lone surrogate in any string property is a 400 naming it, never a 5xx', async () => {
    const docs = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as any;
    const components = docs.components?.schemas ?? {};
    let probes = 0;
    for (const [route, operations] of Object.entries<any>(docs.paths)) {
      for (const method of ['post', 'put', 'patch']) {
        const schema = operations[method]?.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        const url = route.replace(/^\/api\/v1/, '').replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        for (const path of schemaStringPaths(schema, components)) {
          for (const bad of [INVALID_TEXT.nul, INVALID_TEXT.loneHighSurrogate]) {
            const result = await buyer.request(method.toUpperCase(), url, bodyWith(path, bad));
            probes += 1;
            expect({ route, method, field: path.join('.'), status: result.status }).toEqual({ route, method, field: path.join('.'), status: 400 });
            expect(result.body.errors.map((error: { field: string }) => error.field)).toContain(path.join('.'));
          }
        }
      }
    }
    expect(probes).toBeGreaterThan(50);
  });

  it('refuses invalid text in a query string', async () => {
    const result = await merchant.request('GET', `/merchant/orders?keyword=${encodeURIComponent('a\u0000b')}`);
    expect(result.status).toBe(400);
    expect(result.body.errors.map((error: { field: string }) => error.field)).toContain('query.keyword');
  });

  it('refuses deep and huge bodies cheaply on every route, /auth/token included, while /health keeps answering', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const deepObject = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    const manyIntegers = JSON.stringify({ orderIds: Array.from({ length: 100_000 }, (_, i) => i % 10) });
    expect(manyIntegers.length).toBeGreaterThan(190_000);
    const overLimit = JSON.stringify({ note: 'x'.repeat(1_100_000) });
    const send = (path: string, body: string, client: GatewayClient = buyer) => client.request('POST', path, body);

    for (const path of ['/auth/token', '/orders', '/merchant/orders/remarks', '/after-sales']) {
      expect(await send(path, deep)).toMatchObject({ status: 400, body: { code: 'BODY_TOO_DEEP' } });
      expect(await send(path, deepObject)).toMatchObject({ status: 400, body: { code: 'BODY_TOO_DEEP' } });
      expect(await send(path, manyIntegers)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
      expect(await send(path, overLimit)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    }
    expect(await gateway.request('POST', '/auth/token', deep)).toMatchObject({ status: 400, body: { code: 'BODY_TOO_DEEP' } });

    // A hostile client keeps sending them; /health answers all the while.
    let hostile = true;
    const attackers = Array.from({ length: 4 }, async () => {
      let sent = 0;
      while (hostile) {
        await send('/orders', sent % 2 ? deep : manyIntegers);
        sent += 1;
      }
      return sent;
    });
    try {
      for (let i = 0; i < 10; i++) {
        const health = await gateway.request('GET', '/health');
        expect(health.status).toBe(200);
      }
    } finally {
      hostile = false;
    }
    expect((await Promise.all(attackers)).every((sent) => sent > 0)).toBe(true);
  });

  it("disabling a merchant's main account refuses its sub-accounts' tokens and sign-ins; enabling restores them", async () => {
    const suffix = Math.random().toString(36).slice(2, 10);
    const mainUsername = `main-${suffix}`;
    const merchantRecord = await operator.expect(201, 'POST', '/merchants', { name: 'Hostile Shop', mainAccount: { username: mainUsername, password: 'merchant-password', phone: '13900000000' } });
    const main = await gateway.login(mainUsername, 'merchant-password');
    const sub = await main.expect(201, 'POST', `/merchants/${merchantRecord.id}/sub-accounts`, { username: `sub-${suffix}`, password: 'sub-password', phone: '13900000001', permissions: ['VIEW_ORDERS'] });
    const subClient = await gateway.login(sub.username, 'sub-password');
    expect((await subClient.request('GET', '/merchant/orders')).status).toBe(200);

    await operator.expect(200, 'PUT', `/accounts/${merchantRecord.mainAccount.id}/status`, { disabled: true });
    await waitUntil(async () => (await subClient.request('GET', '/merchant/orders')).status === 403, 'the sub-account token to be refused');
    expect(await subClient.request('GET', '/merchant/orders')).toMatchObject({ status: 403, body: { code: 'ACCOUNT_DISABLED' } });
    expect(await gateway.request('POST', '/auth/token', { username: sub.username, password: 'sub-password' })).toMatchObject({ status: 403, body: { code: 'ACCOUNT_DISABLED' } });

    await operator.expect(200, 'PUT', `/accounts/${merchantRecord.mainAccount.id}/status`, { disabled: false });
    await waitUntil(async () => (await subClient.request('GET', '/merchant/orders')).status === 200, 'the sub-account token to work again');
  });

  it('upgrades a password hash made with weaker scrypt parameters at the next successful sign-in', async () => {
    // The suite's gateway hashes at N=2^15 (test knob; production refuses less than OWASP's 2^17).
    const username = `upgrade-${Math.random().toString(36).slice(2, 10)}`;
    await operator.expect(201, 'POST', '/merchants', { name: 'Upgrade Shop', mainAccount: { username, password: 'merchant-password', phone: '13900000000' } });
    const gatewayDb = stack.databaseUrl('gateway');
    const [created] = await queryDatabase(gatewayDb, `SELECT password_hash FROM account WHERE username = $1`, [username]);
    expect(created.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);

    // An older release's hash (N=2^14), in the same format.
    const salt = randomBytes(16);
    const old = ['scrypt', 16384, 8, 1, salt.toString('base64url'), scryptSync('merchant-password', salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64url')].join('$');
    await queryDatabase(gatewayDb, `UPDATE account SET password_hash = $2 WHERE username = $1`, [username, old]);

    expect((await gateway.request('POST', '/auth/token', { username, password: 'wrong-password' })).status).toBe(401);
    expect((await queryDatabase(gatewayDb, `SELECT password_hash FROM account WHERE username = $1`, [username]))[0].password_hash).toBe(old);
    await gateway.login(username, 'merchant-password');
    const [upgraded] = await queryDatabase(gatewayDb, `SELECT password_hash FROM account WHERE username = $1`, [username]);
    expect(upgraded.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(upgraded.password_hash).not.toBe(old);
    await gateway.login(username, 'merchant-password');
  });
});

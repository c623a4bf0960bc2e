import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import type { SkuKinds } from '@orderline/order/domain';
import { waitUntil } from './infrastructure';

/**
 * Secrets the gateway hands out (access tokens, carrier webhook secrets) are noted for the
 * log-hygiene step that runs after every suite (tools/test/log-hygiene.mjs): none may be logged.
 */
function noteSecretsSeen(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const secrets = ['accessToken', 'webhookSecret'].map((key) => (body as Record<string, unknown>)[key]).filter((value): value is string => typeof value === 'string');
  if (secrets.length === 0) return;
  mkdirSync('tmp/test-logs', { recursive: true });
  appendFileSync('tmp/test-logs/.secrets-seen', secrets.map((secret) => secret + '\n').join(''));
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  contentType: string | null;
  /** The Retry-After header of a 503 / 429 (RFC 9110), when sent. */
  retryAfter: string | null;
}

/** A small client of the public REST API, as a script or a user would call it. */
export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  withToken(token: string): GatewayClient {
    return new GatewayClient(this.baseUrl, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    noteSecretsSeen(parsed);
    // Orders are priced from the merchant's catalog, so the support remembers how to sign in
    // as every merchant a test creates (catalogItems puts the SKUs a test orders).
    if (method === 'POST' && path === '/merchants' && response.status === 201 && body && typeof body === 'object') {
      const account = (body as { mainAccount?: { username: string; password: string } }).mainAccount;
      if (account) rememberMerchantAccount(this.baseUrl, (parsed as { id: string }).id, account.username, account.password);
    }
    return { status: response.status, body: parsed as T, contentType: response.headers.get('content-type'), retryAfter: response.headers.get('retry-after') };
  }

  async expect<T = any>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const result = await this.request<T>(method, path, body);
    if (result.status !== status) throw new Error(`${method} ${path} answered ${result.status}, expected ${status}: ${JSON.stringify(result.body)}`);
    return result.body;
  }

  async login(username: string, password: string): Promise<GatewayClient> {
    const { accessToken } = await this.expect<{ accessToken: string }>(200, 'POST', '/auth/token', { username, password });
    return this.withToken(accessToken);
  }
}

/** A request that met a dead server (connection refused or reset): it may or may not have been applied. */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof TypeError || /fetch failed|ECONNREFUSED|ECONNRESET|socket/i.test(String((error as Error)?.cause ?? error));
}

/** The answer, or status 0 when the server died under the request (the caller reads state to learn what happened). */
export async function answerOrConnectionLoss<T = any>(call: () => Promise<HttpResult<T>>): Promise<HttpResult<T>> {
  try {
    return await call();
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    return { status: 0, body: undefined as T, contentType: null, retryAfter: null };
  }
}

export interface Actors {
  operator: GatewayClient;
  merchantId: string;
  buyer: GatewayClient;
  buyerId: string;
  creditAccountId: string;
}

export async function operatorOf(gateway: GatewayClient): Promise<GatewayClient> {
  return gateway.login('operator', 'operator-password');
}

export async function createMerchant(operator: GatewayClient): Promise<string> {
  const suffix = randomUUID().slice(0, 8);
  const merchant = await operator.expect<{ id: string }>(201, 'POST', '/merchants', { name: `Shop ${suffix}`, mainAccount: { username: `shop-${suffix}`, password: 'merchant-password', phone: '13900000000' } });
  return merchant.id;
}

export async function createBuyer(gateway: GatewayClient, operator: GatewayClient, creditLimit: number): Promise<{ client: GatewayClient; buyerId: string; creditAccountId: string }> {
  const username = `buyer-${randomUUID().slice(0, 8)}`;
  const buyer = await operator.expect<{ id: string; creditAccountId: string }>(201, 'POST', '/buyers', { username, password: 'buyer-password', name: '王小明', phone: '13800138000', creditLimit });
  return { client: await gateway.login(username, 'buyer-password'), buyerId: buyer.id, creditAccountId: buyer.creditAccountId };
}

export const TEST_CONSIGNEE = { name: '王小明', phone: '13800138000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };

/**
 * A credit order of `quantity` kettles at `unitPrice` (fen). The price lives in the merchant's
 * catalog (domain.md §1.1a): this puts a listed SKU `sku-kettle-<price>` with the given
 * kinds, sets the merchant's freight rule to a flat `freight`, and returns the body to POST.
 */
export async function creditOrder(merchantId: string, unitPrice: number, quantity = 1, freight = 0, kinds: SkuKinds = {}) {
  const kindNames = Object.keys(kinds).filter((name) => kinds[name as keyof SkuKinds]).sort();
  const skuId = ['sku-kettle', unitPrice, ...kindNames].join('-');
  const items = await catalogItems(merchantId, [{ skuId, title: 'Kettle', unitPrice, quantity, kinds }]);
  await setFreightRule(merchantId, freight);
  return { merchantId, items, consignee: TEST_CONSIGNEE, paymentMethod: 'CREDIT', credit: { plan: 'INSTALLMENT', periods: 6 } };
}

/** Kinds that are facts of the goods (docs/catalog-and-pricing.md), set on the SKU. */
export type { SkuKinds };

/** A line as tests used to send it, with what the merchant states about the SKU. */
export interface CatalogItem {
  skuId: string;
  title?: string;
  unitPrice: number;
  quantity: number;
  stock?: number | null;
  kinds?: SkuKinds;
  serviceFee?: { feeType: string; amount: number };
  attributes?: Record<string, string>;
}

const merchantAccounts = new Map<string, { baseUrl: string; username: string; password: string; session?: Promise<GatewayClient>; freight?: string; skus: Map<string, string> }>();

export function rememberMerchantAccount(baseUrl: string, merchantId: string, username: string, password: string): void {
  merchantAccounts.set(merchantId, { baseUrl, username, password, skus: new Map() });
}

function merchantAccount(merchantId: string) {
  const account = merchantAccounts.get(merchantId);
  if (!account) throw new Error(`no merchant ${merchantId} was created through the test GatewayClient; its catalog cannot be set`);
  account.session ??= new GatewayClient(account.baseUrl).login(account.username, account.password);
  return account;
}

/** The signed-in main account of a merchant the tests created. */
export async function merchantSession(merchantId: string): Promise<GatewayClient> {
  return merchantAccount(merchantId).session!;
}

/**
 * Puts each SKU in the merchant's catalog (listed; untracked stock unless given) and returns
 * the order items `[{skuId, quantity}]` naming them. A SKU already put the same way is not
 * put again.
 */
export async function catalogItems(merchantId: string, items: readonly CatalogItem[]): Promise<Array<{ skuId: string; quantity: number }>> {
  const account = merchantAccount(merchantId);
  const merchant = await account.session!;
  for (const item of items) {
    const sku = { title: item.title ?? item.skuId, unitPrice: item.unitPrice, listed: true, stock: item.stock ?? null, kinds: item.kinds ?? {}, ...(item.serviceFee ? { serviceFee: item.serviceFee } : {}), ...(item.attributes ? { attributes: item.attributes } : {}) };
    const key = JSON.stringify(sku);
    if (account.skus.get(item.skuId) === key) continue;
    await merchant.expect(200, 'PUT', `/merchant/catalog/skus/${item.skuId}`, sku);
    account.skus.set(item.skuId, key);
  }
  return items.map((item) => ({ skuId: item.skuId, quantity: item.quantity }));
}

/** The merchant's freight rule (domain.md §1.1a): a flat amount, free from `freeAbove` on. */
export async function setFreightRule(merchantId: string, amount: number, freeAbove?: number): Promise<void> {
  const account = merchantAccount(merchantId);
  const rule = { amount, ...(freeAbove !== undefined ? { freeAbove } : {}) };
  const key = JSON.stringify(rule);
  if (account.freight === key || (account.freight === undefined && amount === 0 && freeAbove === undefined)) return;
  await (await account.session!).expect(200, 'PUT', '/merchant/freight-rule', rule);
  account.freight = key;
}

export async function waitForStatus(client: GatewayClient, orderId: string, status: string, timeoutMs = 30_000): Promise<any> {
  return waitUntil(async () => {
    const order = await client.expect(200, 'GET', `/orders/${orderId}`);
    return order.status === status ? order : undefined;
  }, `order ${orderId} to reach ${status}`, timeoutMs);
}

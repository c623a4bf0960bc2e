import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { answerOf, createOrderlineClient, type OrderlineClient, type PathRequest, type PathResponse, responseSchemaCheck, type ResponseSchemaMismatch, ResponseSchemaMismatchError } from '@orderline/shared/api-client';
import type { SkuKinds } from '@orderline/order/domain';
import type { Middleware } from 'openapi-fetch';
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
  headers: Headers;
}

/**
 * How answers that do not match docs/api/openapi.json are handled: `strict` (the default) fails
 * the call; `report` (API_RESPONSE_CHECK=report, for surveying a document under construction)
 * appends them to tmp/api-response-mismatches.jsonl and lets the test go on.
 */
function onMismatch(mismatches: ResponseSchemaMismatch[]): void {
  if (process.env.API_RESPONSE_CHECK !== 'report') throw new ResponseSchemaMismatchError(mismatches);
  mkdirSync('tmp', { recursive: true });
  appendFileSync('tmp/api-response-mismatches.jsonl', mismatches.map((mismatch) => JSON.stringify({ suite: expect.getState().testPath?.replace(/.*\//, ''), ...mismatch }) + '\n').join(''));
}

const API_PREFIX = '/api/v1';
const STATE_CHANGING_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** How long `expect` keeps honouring 503 + Retry-After before it reports the 503. */
const OVERLOAD_RETRY_BUDGET_MS = 120_000;
/** Retry-After in seconds (RFC 9110 delay-seconds), 1 s when absent, capped at 10 s. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return Math.min(10, Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000;
}
/** Strings are sent as they are (tests send malformed JSON on purpose); anything else as JSON. */
const bodySerializer = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body));

/**
 * A client of the public REST API, as a script or a user would call it. Every call goes
 * through the generated, typed client (`api`, openapi-fetch over docs/api/openapi.json) and every
 * answer is checked against its operation's response schema: a drift fails the test that saw it.
 */
export class GatewayClient {
  /** The typed client (`answerOf(client.api.POST('/api/v1/orders', { body }), 201)`), signed in like this one. */
  readonly api: OrderlineClient;

  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {
    this.api = createOrderlineClient(baseUrl, token);
    this.api.use(responseSchemaCheck(onMismatch), noteAnswers(baseUrl));
  }

  withToken(token: string): GatewayClient {
    return new GatewayClient(this.baseUrl, token);
  }

  /** Any call by method and concrete path (below /api/v1); the answer is checked all the same. */
  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const call = this.api.request(method.toLowerCase() as 'get', `${API_PREFIX}${path}` as never, { body, headers, bodySerializer, parseAs: 'text' } as never);
    const { data, error, response } = (await call) as { data?: unknown; error?: unknown; response: Response };
    const payload = data ?? error;
    let parsed: unknown = payload;
    if (typeof payload === 'string') {
      try {
        parsed = payload ? JSON.parse(payload) : undefined;
      } catch {
        // not JSON: keep the text
      }
    }
    return { status: response.status, body: parsed as T, contentType: response.headers.get('content-type'), retryAfter: response.headers.get('retry-after'), headers: response.headers };
  }

  /**
   * A call that must answer `status`, made as a well-behaved client makes it on a busy machine:
   * a signed-in state change carries an Idempotency-Key, and a 503 (overload, with Retry-After)
   * is retried after the time it asks for — reads always, state changes only under their key, so a
   * retry can never apply twice. Tests that study the 503 itself call `request`.
   */
  async expect<T = any>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const stateChange = STATE_CHANGING_METHODS.includes(method.toUpperCase());
    const retriable = status !== 503 && (!stateChange || this.token !== undefined);
    const headers: Record<string, string> = stateChange && this.token !== undefined ? { 'idempotency-key': `test-${randomUUID()}` } : {};
    const giveUpAt = Date.now() + OVERLOAD_RETRY_BUDGET_MS;
    for (;;) {
      const result = await this.request<T>(method, path, body, headers);
      if (result.status === 503 && retriable && Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs(result.retryAfter)));
        continue;
      }
      if (result.status !== status) throw new Error(`${method} ${path} answered ${result.status}, expected ${status}: ${JSON.stringify(result.body)}`);
      return result.body;
    }
  }

  /** A file (PDF, ZIP, …) by GET: its bytes and content type; the content type is checked against the document. */
  async download(path: string): Promise<{ status: number; contentType: string | null; disposition: string | null; bytes: Buffer; body: any }> {
    const { data, error, response } = (await this.api.request('get', `${API_PREFIX}${path}` as never, { parseAs: 'arrayBuffer' } as never)) as { data?: ArrayBuffer; error?: unknown; response: Response };
    return { status: response.status, contentType: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), bytes: Buffer.from(data ?? new ArrayBuffer(0)), body: error };
  }

  async login(username: string, password: string): Promise<GatewayClient> {
    const { accessToken } = await answerOf(this.api.POST('/api/v1/auth/token', { body: { username, password } }), 200);
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
    return { status: 0, body: undefined as T, contentType: null, retryAfter: null, headers: new Headers() };
  }
}

/**
 * What the support remembers from answers, whichever way a test called: secrets for the
 * log-hygiene step, and the sign-in of every merchant a test creates, since orders are priced from
 * the merchant's catalog (catalogItems puts the SKUs a test orders).
 */
function noteAnswers(baseUrl: string): Middleware {
  return {
    async onRequest({ request }) {
      if (request.method !== 'POST' || new URL(request.url).pathname !== `${API_PREFIX}/merchants`) return undefined;
      const sent = await request.clone().text().catch(() => '');
      pendingMerchantAccounts.set(request, sent);
      return undefined;
    },
    async onResponse({ request, response }) {
      if (!(response.headers.get('content-type') ?? '').includes('json')) return undefined;
      const answer = await response.clone().json().catch(() => undefined);
      noteSecretsSeen(answer);
      const sent = pendingMerchantAccounts.get(request);
      pendingMerchantAccounts.delete(request);
      if (sent !== undefined && response.status === 201) {
        const account = (JSON.parse(sent || '{}') as { mainAccount?: { username: string; password: string } }).mainAccount;
        if (account) rememberMerchantAccount(baseUrl, (answer as { id: string }).id, account.username, account.password);
      }
      return undefined;
    },
  };
}

const pendingMerchantAccounts = new WeakMap<Request, string>();

/** The gateway at `baseUrl` answers its health check with 200 (false while it cannot be reached). */
export async function gatewayHealthy(baseUrl: string): Promise<boolean> {
  return (await new GatewayClient(baseUrl).request('GET', '/health').catch(() => undefined))?.status === 200;
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
  const merchant = await answerOf(operator.api.POST('/api/v1/merchants', { body: { name: `Shop ${suffix}`, mainAccount: { username: `shop-${suffix}`, password: 'merchant-password', phone: '13900000000' } } }), 201);
  return merchant.id;
}

export async function createBuyer(gateway: GatewayClient, operator: GatewayClient, creditLimit: number): Promise<{ client: GatewayClient; buyerId: string; creditAccountId: string }> {
  const username = `buyer-${randomUUID().slice(0, 8)}`;
  const buyer = await answerOf(operator.api.POST('/api/v1/buyers', { body: { username, password: 'buyer-password', name: '王小明', phone: '13800138000', creditLimit } }), 201);
  return { client: await gateway.login(username, 'buyer-password'), buyerId: buyer.id, creditAccountId: buyer.creditAccountId };
}

export const TEST_CONSIGNEE = { name: '王小明', phone: '13800138000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };

/**
 * A credit order of `quantity` kettles at `unitPrice` (fen). The price lives in the merchant's
 * catalog (domain.md §1.1a): this puts a listed SKU `sku-kettle-<price>` with the given
 * kinds, sets the merchant's freight rule to a flat `freight`, and returns the body to POST.
 */
export async function creditOrder(merchantId: string, unitPrice: number, quantity = 1, freight = 0, kinds: SkuKinds = {}): Promise<PlaceOrderRequest> {
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
    // `attributes` is cast until PutSkuRequest declares its values as strings (/work/briefs/schema-mismatches.md).
    const sku = { title: item.title ?? item.skuId, unitPrice: item.unitPrice, listed: true, stock: item.stock ?? null, kinds: item.kinds ?? {}, ...(item.serviceFee ? { serviceFee: item.serviceFee } : {}), ...(item.attributes ? { attributes: item.attributes as Record<string, never> } : {}) };
    const key = JSON.stringify(sku);
    if (account.skus.get(item.skuId) === key) continue;
    await answerOf(merchant.api.PUT('/api/v1/merchant/catalog/skus/{skuId}', { params: { path: { skuId: item.skuId } }, body: sku }), 200);
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
  await answerOf((await account.session!).api.PUT('/api/v1/merchant/freight-rule', { body: rule }), 200);
  account.freight = key;
}

/** The body of `POST /orders`. */
export type PlaceOrderRequest = PathRequest<'/api/v1/orders', 'post'>;

/** An order as its buyer reads it. */
export type OrderView = PathResponse<'/api/v1/orders/{id}', 'get'>;

export async function waitForStatus(client: GatewayClient, orderId: string, status: OrderView['status'], timeoutMs = 30_000): Promise<OrderView> {
  return waitUntil(async () => {
    const order = await answerOf(client.api.GET('/api/v1/orders/{id}', { params: { path: { id: orderId } } }), 200);
    return order.status === status ? order : undefined;
  }, `order ${orderId} to reach ${status}`, timeoutMs);
}

import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
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
    return { status: response.status, body: parsed as T, contentType: response.headers.get('content-type') };
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

export function creditOrder(merchantId: string, unitPrice: number, quantity = 1, freight = 0) {
  return {
    merchantId,
    items: [{ skuId: 'sku-kettle', title: 'Kettle', unitPrice, quantity }],
    consignee: { name: '王小明', phone: '13800138000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } },
    paymentMethod: 'CREDIT',
    credit: { plan: 'INSTALLMENT', periods: 6 },
    freight,
  };
}

export async function waitForStatus(client: GatewayClient, orderId: string, status: string, timeoutMs = 30_000): Promise<any> {
  return waitUntil(async () => {
    const order = await client.expect(200, 'GET', `/orders/${orderId}`);
    return order.status === status ? order : undefined;
  }, `order ${orderId} to reach ${status}`, timeoutMs);
}

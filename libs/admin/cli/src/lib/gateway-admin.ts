import { UnreachableError, UsageError } from './cli-errors';

/**
 * Dead letters and parked outbox rows are handled through the gateway's admin API, not the
 * databases: the running services own their relays and consumers (a re-drive wakes the relay at
 * once), the gateway already fans out to every service, and the operator's token is checked and
 * the call logged like any other. `GATEWAY_URL` (default http://localhost:3000) and
 * `ORDERLINE_OPERATOR=username:password` (or `ORDERLINE_TOKEN`, a bearer token).
 */
export class GatewayAdmin {
  private token?: string;
  private readonly base: string;

  constructor(private readonly env: Record<string, string | undefined>) {
    this.base = `${(env.GATEWAY_URL || 'http://localhost:3000').replace(/\/+$/, '').replace(/\/api\/v1$/, '')}/api/v1`;
  }

  private async bearer(): Promise<string> {
    if (this.token) return this.token;
    if (this.env.ORDERLINE_TOKEN) return (this.token = this.env.ORDERLINE_TOKEN);
    const operator = this.env.ORDERLINE_OPERATOR;
    const colon = operator?.indexOf(':') ?? -1;
    if (!operator || colon < 1) throw new UsageError('set ORDERLINE_OPERATOR=username:password (an operator account) or ORDERLINE_TOKEN');
    const answer = await this.send('POST', '/auth/token', { username: operator.slice(0, colon), password: operator.slice(colon + 1) }, undefined);
    return (this.token = (answer as { accessToken: string }).accessToken);
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    return (await this.send(method, path, body, await this.bearer())) as T;
  }

  private async send(method: string, path: string, body: object | undefined, token: string | undefined): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new UnreachableError(`the gateway at ${this.base} did not answer (${(error as Error).message})`);
    }
    const text = await response.text();
    if (response.ok) return text ? JSON.parse(text) : undefined;
    let detail = text;
    try {
      const problem = JSON.parse(text) as { detail?: string; title?: string };
      detail = problem.detail ?? problem.title ?? text;
    } catch {
      // not problem+json: the raw text says it
    }
    const message = `${method} ${path}: HTTP ${response.status} ${detail}`;
    if (response.status === 401 || response.status === 403) throw new UnreachableError(message);
    if (response.status === 400 || response.status === 422) throw new UsageError(message);
    throw new Error(message);
  }
}

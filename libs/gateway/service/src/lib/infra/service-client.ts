import { Inject, Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as http from 'node:http';
import * as https from 'node:https';
import { currentEventContext } from '@orderline/shared/messaging';
import { CORRELATION_HEADER, encodePrincipal, ForwardedProblem, INTERNAL_TOKEN_HEADER, overloadProblem, Principal, PRINCIPAL_HEADER, problem, ProblemDetails, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';

/** A validated query DTO as the downstream URL's query string (`?a=1&b=2`, or '' when empty). */
export function forwardedQuery(query: object): string {
  const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== undefined) as Array<[string, string]>).toString();
  return search ? `?${search}` : '';
}

export type Downstream = 'order' | 'credit-billing' | 'logistics' | 'after-sales' | 'export';
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The public request being served carries an Idempotency-Key: its state-changing calls may be sent again. */
const idempotentRequest = new AsyncLocalStorage<{ idempotencyKey: string }>();

/** Runs the rest of a request that the idempotency middleware claimed under `idempotencyKey`. */
export function runWithIdempotencyKey<T>(idempotencyKey: string, work: () => T): T {
  return idempotentRequest.run({ idempotencyKey }, work);
}

/** A service's answer, read to the end. */
interface Answer {
  status: number;
  /** The Retry-After header as sent, if any. */
  retryAfter: string | undefined;
  text: string;
}

/** One attempt's outcome: an answer, or a failure that may be retried (nothing was changed). */
type Attempt = { kind: 'answer'; answer: Answer } | { kind: 'busy'; problem: ProblemDetails } | { kind: 'final'; problem: ProblemDetails };

/**
 * How a call failed before its answer was read to the end. `stale`: a reused kept-alive
 * connection reset before any answer — almost always one the service had closed for idleness
 * before it read the request (a service that dies mid-request is not there to be asked again).
 */
type CallFailure = 'unreachable' | 'timeout' | 'cut-off' | 'stale';

/**
 * A request sent on a kept-alive connection just as the service closes it for idleness is reset
 * unread. The agent's timer should retire such a connection first, but on a saturated machine it
 * fires late; Node's guidance (`request.reusedSocket`) is to send the request again on a new one.
 */
const STALE_CONNECTION_RETRIES = 2;

/** A downstream that sends nothing for this long is given up on (the socket is idle that long). */
const DOWNSTREAM_IDLE_TIMEOUT_MS = 15_000;

/**
 * One HTTP exchange over a kept-alive connection. `node:http` rather than `fetch`: `fetch` cost the
 * gateway about three times the CPU per proxied call (its web streams, and a timer per call for
 * `AbortSignal.timeout`), a fifth of the gateway's CPU per order (issue 19).
 */
function exchange(url: URL, agent: http.Agent, method: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const failed = (failure: CallFailure) => reject(Object.assign(new Error(`downstream call ${failure}`), { failure }));
    let answered = false;
    const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('aborted', () => failed('cut-off'));
      response.on('error', () => failed('cut-off'));
      response.on('end', () => {
        if (!response.complete) return failed('cut-off');
        const retryAfter = response.headers['retry-after'];
        resolve({ status: response.statusCode ?? 502, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.setTimeout(DOWNSTREAM_IDLE_TIMEOUT_MS, () => {
      request.destroy();
      failed('timeout');
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return failed('cut-off');
      failed(request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE') ? 'stale' : 'unreachable');
    });
    request.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * HTTP calls from the gateway to the services that own the data. The caller's identity
 * travels in a header; a service's problem+json answer is passed on unchanged.
 *
 * Back-pressure (issue 13 item 2): a service that is busy (503) or not reachable is asked again
 * a bounded number of times — a GET always, a state-changing call only when the public request
 * carries an Idempotency-Key (its first answer is then the one remembered); after that its 503
 * goes to the caller with Retry-After, never as a 500 or 502.
 */
@Injectable()
export class ServiceClient {
  private readonly baseUrls: Record<Downstream, string>;
  /**
   * Connections to the services, kept open between calls. With a `timeout`, Node's agent retires
   * an idle connection a second before the Keep-Alive timeout the service announces (`Keep-Alive:
   * timeout=5`); without one it keeps it until the service closes it, and a call can meet the close.
   */
  private readonly agent = new http.Agent({ keepAlive: true, timeout: DOWNSTREAM_IDLE_TIMEOUT_MS });
  private readonly secureAgent = new https.Agent({ keepAlive: true, timeout: DOWNSTREAM_IDLE_TIMEOUT_MS });

  constructor(@Inject(SERVICE_CONFIG) private readonly config: GatewayConfig) {
    this.baseUrls = {
      order: config.ORDER_SERVICE_URL,
      'credit-billing': config.CREDIT_BILLING_SERVICE_URL,
      logistics: config.LOGISTICS_SERVICE_URL,
      'after-sales': config.AFTER_SALES_SERVICE_URL,
      export: config.EXPORT_SERVICE_URL,
    };
  }

  services(): Downstream[] {
    return Object.keys(this.baseUrls) as Downstream[];
  }

  async call<T>(service: Downstream, method: Method, path: string, principal: Principal | null, body?: unknown): Promise<T> {
    const retryable = method === 'GET' || idempotentRequest.getStore() !== undefined;
    const retries = retryable ? (this.config.DOWNSTREAM_RETRIES ?? 2) : 0;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(service, method, path, principal, body);
      if (outcome.kind === 'answer') return outcome.answer.status >= 200 && outcome.answer.status < 300 ? (safeJson(outcome.answer.text) as T) : this.refusal(service, outcome.answer);
      if (outcome.kind === 'final' || attempt >= retries) throw new ForwardedProblem(outcome.problem);
      // Back off within the Retry-After the service asked for, with jitter so callers spread out.
      const askedMs = 1_000 * (typeof outcome.problem.retryAfterSeconds === 'number' ? outcome.problem.retryAfterSeconds : 1);
      await sleep(Math.min(askedMs, 150 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }

  private async attempt(service: Downstream, method: Method, path: string, principal: Principal | null, body?: unknown): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const correlationId = currentEventContext()?.correlationId;
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    if (principal) headers[PRINCIPAL_HEADER] = encodePrincipal(principal);
    if (this.config.INTERNAL_API_TOKEN) headers[INTERNAL_TOKEN_HEADER] = this.config.INTERNAL_API_TOKEN;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = new URL(this.baseUrls[service] + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    let answer: Answer;
    try {
      answer = await this.exchangeOnLiveConnection(url, method, headers, payload);
    } catch (error) {
      const failure = (error as { failure?: CallFailure }).failure;
      if (failure === 'cut-off') {
        // The connection broke mid-answer: as unknown as a timeout (a command may have been applied).
        const broken = overloadProblem(`the ${service} service's answer was cut off; try again shortly`);
        return method === 'GET' ? { kind: 'busy', problem: broken } : { kind: 'final', problem: broken };
      }
      const unavailable = overloadProblem(`the ${service} service is not reachable; try again shortly`);
      // A timed-out call may have been applied: only a read is sent again.
      if (failure === 'timeout') return method === 'GET' ? { kind: 'busy', problem: unavailable } : { kind: 'final', problem: unavailable };
      return { kind: 'busy', problem: unavailable };
    }
    if (answer.status !== 503) return { kind: 'answer', answer };
    const upstream = safeJson(answer.text) as ProblemDetails | undefined;
    const retryAfter = Number(answer.retryAfter);
    const busy =
      upstream && typeof upstream.code === 'string' && upstream.status === 503
        ? { ...upstream, retryAfterSeconds: upstream.retryAfterSeconds ?? (retryAfter > 0 ? retryAfter : 1) }
        : overloadProblem(`the ${service} service is busy; try again shortly`);
    return { kind: 'busy', problem: busy };
  }

  private async exchangeOnLiveConnection(url: URL, method: Method, headers: Record<string, string>, payload: string | undefined): Promise<Answer> {
    const agent = url.protocol === 'https:' ? this.secureAgent : this.agent;
    for (let stale = 0; ; stale++) {
      try {
        return await exchange(url, agent, method, headers, payload);
      } catch (error) {
        if ((error as { failure?: CallFailure }).failure !== 'stale' || stale >= STALE_CONNECTION_RETRIES) throw error;
      }
    }
  }

  private refusal(service: Downstream, answer: Answer): never {
    const upstream = (answer.text ? safeJson(answer.text) : undefined) as ProblemDetails | undefined;
    if (upstream && typeof upstream.code === 'string' && typeof upstream.status === 'number') throw new ForwardedProblem(upstream);
    throw new ForwardedProblem(problem(502, 'BAD_GATEWAY', `the ${service} service answered ${answer.status}`));
  }

  /** Readiness of one service (its database, the event bus and its consumer). */
  async health(service: Downstream): Promise<boolean> {
    try {
      const response = await fetch(this.baseUrls[service] + '/health/ready', { signal: AbortSignal.timeout(3_000) });
      return response.ok;
    } catch {
      return false;
    }
  }
}

function safeJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

import createClient, { type Client, type FetchResponse } from 'openapi-fetch';
import type { components, operations, paths } from './orderline-api.generated';

/** The typed client of the public REST API: paths, parameters, bodies and answers from docs/api/openapi.json. */
export type OrderlineClient = Client<paths>;

/** A schema of the document by name (`ApiSchema<'OrderView'>`). */
export type ApiSchema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** The JSON body an operation answers with `status` (`ApiResponse<'placeOrder', 201>`). */
export type ApiResponse<Operation extends keyof operations, Status extends keyof operations[Operation]['responses']> = operations[Operation]['responses'][Status] extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;

/**
 * The JSON body answered at a path (`PathResponse<'/api/v1/orders/{id}', 'get'>`), named by path
 * rather than operation id: what a test or tool calls.
 */
export type PathResponse<Path extends keyof paths, Method extends keyof paths[Path], Status extends number = 200> = paths[Path][Method] extends { responses: infer Responses }
  ? Status extends keyof Responses
    ? Responses[Status] extends { content: { 'application/json': infer Body } }
      ? Body
      : never
    : never
  : never;

/** The JSON body a path takes (`PathRequest<'/api/v1/orders', 'post'>`). */
export type PathRequest<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body : never;

/** The JSON body an operation takes (`ApiRequest<'placeOrder'>`). */
export type ApiRequest<Operation extends keyof operations> = operations[Operation] extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body : never;

/**
 * A client of the gateway at `baseUrl` (its origin, e.g. `http://localhost:3000`), signed in with
 * `token` when given. Add `responseSchemaCheck()` with `client.use(...)` to check every answer
 * against the document.
 */
export function createOrderlineClient(baseUrl: string, token?: string): OrderlineClient {
  return createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ''), headers: token ? { authorization: `Bearer ${token}` } : {}, fetch: repeatingFetch() });
}

/** Methods HTTP defines as idempotent: sending one twice has the effect of sending it once. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Attempts in all for a request whose connection dropped before any answer. */
const DROPPED_CONNECTION_ATTEMPTS = 3;

/**
 * `fetch` that sends a request again when its connection dropped before any answer came — but
 * only when sending it again cannot apply it twice: an idempotent method, or any request carrying
 * an Idempotency-Key (the gateway answers a repeat with the first answer).
 *
 * Why: a server closes an idle keep-alive connection after its timeout (Node's default is 5 s),
 * and a client that picks that connection for its next request at the same moment gets "other side
 * closed" for a request the server never read. undici keeps a 1 s margin, which a busy machine's
 * event-loop lag eats; any client pooling connections meets this, so the generated client handles
 * it instead of every caller. A refused connection (nothing listening) is not retried.
 */
export function repeatingFetch(send: (request: Request, init?: RequestInit) => Promise<Response> = (request, init) => globalThis.fetch(request, init)) {
  return async (request: Request, init?: RequestInit): Promise<Response> => {
    const repeatable = IDEMPOTENT_METHODS.has(request.method.toUpperCase()) || request.headers.has('idempotency-key');
    for (let attempt = 1; ; attempt++) {
      const last = !repeatable || attempt >= DROPPED_CONNECTION_ATTEMPTS;
      // A body can be read once: keep a copy for the next attempt before this one reads it.
      const spare = last ? undefined : request.clone();
      try {
        return await send(request, init);
      } catch (error) {
        if (last || !spare || !isDroppedConnection(error)) throw error;
        request = spare;
      }
    }
  };
}

/**
 * A request that failed because its connection closed or reset under it (undici: a TypeError
 * whose cause is `UND_ERR_SOCKET`, `ECONNRESET` or `EPIPE`; a browser gives no cause), as opposed
 * to a refused connection, a timeout or an abort.
 */
export function isDroppedConnection(error: unknown): boolean {
  // By name: Jest and other sandboxes give fetch's TypeError another realm's class.
  if ((error as Error | undefined)?.name !== 'TypeError') return false;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause === undefined) return !('process' in globalThis); // browsers hide the cause
  return ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED'].includes(String(cause?.code));
}

/**
 * The body of a successful call, or an error naming what the gateway answered instead (and,
 * when `status` is given, any other status than that one).
 */
export async function answerOf<Data>(call: Promise<{ data?: Data; error?: unknown; response: Response }>, status?: number): Promise<Exclude<Data, undefined>> {
  const { data, error, response } = await call;
  if (!response.ok || (status !== undefined && response.status !== status)) {
    const url = new URL(response.url || 'http://unknown');
    throw new Error(`${url.pathname}${url.search} answered ${response.status}${status !== undefined ? `, expected ${status}` : ''}: ${JSON.stringify(error ?? data)}`);
  }
  return data as Exclude<Data, undefined>;
}

export type { FetchResponse };

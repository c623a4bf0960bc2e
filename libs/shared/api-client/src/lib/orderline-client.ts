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
  return createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ''), headers: token ? { authorization: `Bearer ${token}` } : {} });
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

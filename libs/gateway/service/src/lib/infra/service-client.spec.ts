import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ForwardedProblem, loadConfig, PRINCIPAL_HEADER } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { runWithIdempotencyKey, ServiceClient } from './service-client';

/** Issue 13 item 2: which downstream calls the gateway sends again, and what the caller gets when it gives up. */
describe('gateway service client under back-pressure', () => {
  const settings = {
    PORT: '3000',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/gateway',
    KAFKA_BROKERS: '127.0.0.1:9092',
    JWT_SECRET: 'a-secret-of-sixteen-chars',
    BOOTSTRAP_OPERATOR: 'operator:a-real-password',
    ORDER_SERVICE_URL: 'http://127.0.0.1:1',
    CREDIT_BILLING_SERVICE_URL: 'http://127.0.0.1:1',
    LOGISTICS_SERVICE_URL: 'http://127.0.0.1:1',
    AFTER_SALES_SERVICE_URL: 'http://127.0.0.1:1',
    EXPORT_SERVICE_URL: 'http://127.0.0.1:1',
    DOWNSTREAM_RETRIES: '2',
  };
  type Reply = 'busy' | 'ok' | 'hang-up' | 'cut-off';
  /** A real HTTP server standing in for the order service: answers each request with the next scripted reply. */
  let server: Server;
  let replies: Reply[];
  let requests: number;
  let client: ServiceClient;

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests += 1;
      // The last scripted reply repeats.
      const reply = (replies.length > 1 ? replies.shift() : undefined) ?? replies[0];
      request.resume();
      if (reply === 'hang-up') return request.socket.destroy();
      if (reply === 'cut-off') {
        // Promises more than it sends, then closes: the answer is cut off mid-body.
        response.writeHead(201, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('{"id":');
        return setImmediate(() => request.socket.destroy());
      }
      if (reply === 'busy') {
        response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
        return response.end(JSON.stringify({ type: 't', title: 'Service Unavailable', status: 503, detail: 'pool busy', code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 }));
      }
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'o1' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new ServiceClient(loadConfig(GatewayConfig, { ...settings, ORDER_SERVICE_URL: url }));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function script(...next: Reply[]) {
    replies = next;
    requests = 0;
  }

  it('sends a GET again after a 503 and returns the answer that came', async () => {
    script('busy', 'ok');
    await expect(client.call('order', 'GET', '/orders/o1', null)).resolves.toEqual({ id: 'o1' });
    expect(requests).toBe(2);
  });

  it('never sends a state-changing call again without an Idempotency-Key: the 503 goes to the caller with its Retry-After', async () => {
    script('busy');
    const failure = await client.call('order', 'POST', '/orders', null, {}).catch((error) => error);
    expect(failure).toBeInstanceOf(ForwardedProblem);
    expect((failure as ForwardedProblem).problem).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    expect(requests).toBe(1);
  });

  it('sends a keyed state-changing call again, a bounded number of times', async () => {
    script('busy');
    const failure = await runWithIdempotencyKey('key-1', () => client.call('order', 'POST', '/orders', null, {})).catch((error) => error);
    expect((failure as ForwardedProblem).problem).toMatchObject({ status: 503 });
    expect(requests).toBe(3);
  });

  it('answers an unreachable service with 503 + retryAfterSeconds, never 500 or 502', async () => {
    script('hang-up');
    const failure = await client.call('order', 'GET', '/orders/o1', null).catch((error) => error);
    expect((failure as ForwardedProblem).problem).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
    // Three attempts; a reset on a kept-alive connection (one the previous test left open) is
    // taken for a connection the service had closed and sent again on a new one, at most twice.
    expect(requests).toBeGreaterThanOrEqual(3);
    expect(requests).toBeLessThanOrEqual(3 * 3);
    const refused = new ServiceClient(loadConfig(GatewayConfig, settings));
    await expect(refused.call('order', 'GET', '/orders/o1', null)).rejects.toMatchObject({ problem: { status: 503, code: 'SERVICE_UNAVAILABLE' } });
  });

  it('sends a command again on a new connection when a kept-alive one is reset before any answer', async () => {
    // The second call goes out on the first one's connection, which the service resets unanswered,
    // as it does a connection it has just closed for idleness: a 503 there would be no overload.
    script('ok', 'hang-up', 'ok');
    await client.call('order', 'POST', '/orders', null, {});
    await expect(client.call('order', 'POST', '/orders', null, {})).resolves.toEqual({ id: 'o1' });
    expect(requests).toBe(3);
  });

  it('never sends a command again whose answer was cut off (it may have been applied), but a read', async () => {
    script('cut-off');
    await expect(runWithIdempotencyKey('key-2', () => client.call('order', 'POST', '/orders', null, {}))).rejects.toMatchObject({ problem: { status: 503 } });
    expect(requests).toBe(1);
    script('cut-off', 'ok');
    await expect(client.call('order', 'GET', '/orders/o1', null)).resolves.toEqual({ id: 'o1' });
    expect(requests).toBe(2);
  });

  it("retires an idle connection before the service's Keep-Alive timeout closes it", async () => {
    // Node's own default, which the services keep; the answer announces it (`Keep-Alive: timeout=5`).
    server.keepAliveTimeout = 5_000;
    script('ok');
    await client.call('order', 'GET', '/orders/o1', null);
    const agent = (client as unknown as { agent: { freeSockets: Record<string, Array<{ timeout?: number }>> } }).agent;
    const idle = Object.values(agent.freeSockets).flat();
    expect(idle.length).toBeGreaterThan(0);
    // A second before the service's close (Node's agent takes a second off the announced timeout).
    for (const socket of idle) expect(socket.timeout).toBe(4_000);
  });

  it('sends the body with its length and the caller\'s identity, and reuses the connection', async () => {
    script('ok');
    const seen: Array<{ length?: string; principal?: string; socket: unknown }> = [];
    const listener = (request: IncomingMessage) => seen.push({ length: request.headers['content-length'], principal: request.headers[PRINCIPAL_HEADER] as string | undefined, socket: request.socket });
    server.on('request', listener);
    try {
      await client.call('order', 'POST', '/orders', { role: 'BUYER', buyerId: 'b1' } as never, { note: '门口' });
      await client.call('order', 'POST', '/orders', { role: 'BUYER', buyerId: 'b1' } as never, { note: '门口' });
    } finally {
      server.off('request', listener);
    }
    expect(seen[0].length).toBe(String(Buffer.byteLength(JSON.stringify({ note: '门口' }))));
    expect(seen[0].principal).toBeTruthy();
    expect(seen[1].socket).toBe(seen[0].socket);
  });
});

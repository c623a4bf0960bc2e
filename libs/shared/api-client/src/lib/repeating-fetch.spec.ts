import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDroppedConnection, repeatingFetch } from './orderline-client';

// A server that drops the connection of the first `drops` requests it reads (as a keep-alive
// socket closed under a request does) and answers the rest with the body it received.
function droppingServer(drops: number): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push(`${req.method} ${body}`);
      if (seen.length <= drops) req.socket.destroy();
      else res.end(`got ${body}`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, seen })));
}

describe('repeatingFetch: a request whose connection dropped before any answer', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('is sent again, body and all, when it is idempotent (PUT)', async () => {
    const s = await droppingServer(2);
    server = s.server;
    const answer = await repeatingFetch()(new Request(s.url, { method: 'PUT', body: 'rule-1' }));
    expect(await answer.text()).toBe('got rule-1');
    expect(s.seen).toEqual(['PUT rule-1', 'PUT rule-1', 'PUT rule-1']);
  });

  it('is sent again when it carries an Idempotency-Key, even as a POST', async () => {
    const s = await droppingServer(1);
    server = s.server;
    const answer = await repeatingFetch()(new Request(s.url, { method: 'POST', body: 'order', headers: { 'idempotency-key': 'k-1' } }));
    expect(await answer.text()).toBe('got order');
    expect(s.seen).toHaveLength(2);
  });

  it('is not sent again when it is a POST without a key (it might have been applied)', async () => {
    const s = await droppingServer(1);
    server = s.server;
    await expect(repeatingFetch()(new Request(s.url, { method: 'POST', body: 'order' }))).rejects.toMatchObject({ name: 'TypeError' });
    expect(s.seen).toEqual(['POST order']);
  });

  it('gives up after three attempts, with the error of the last', async () => {
    const s = await droppingServer(5);
    server = s.server;
    const failure = await repeatingFetch()(new Request(s.url)).catch((error: unknown) => error);
    expect(isDroppedConnection(failure)).toBe(true);
    expect(s.seen).toHaveLength(3);
  });

  it('does not repeat a refused connection (nothing listens there)', async () => {
    let sends = 0;
    const refused = repeatingFetch((request, init) => {
      sends++;
      return globalThis.fetch(request, init);
    });
    const failure = await refused(new Request('http://127.0.0.1:1/x')).catch((error: unknown) => error);
    expect(isDroppedConnection(failure)).toBe(false);
    expect(sends).toBe(1);
  });
});

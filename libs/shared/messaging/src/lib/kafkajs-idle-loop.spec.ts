import { kafkajsRequestQueue, stopKafkajsIdleLoop } from './kafkajs-idle-loop';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Queue {
  pending: unknown[];
  throttleCheckTimeoutId: unknown;
  push(pushed: ReturnType<typeof request>['pushed']): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

const queues: Queue[] = [];

function queue(maxInFlightRequests?: number): Queue {
  const RequestQueue = kafkajsRequestQueue();
  const q = new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'spec:9092', logger: quiet }) as unknown as Queue;
  queues.push(q);
  return q;
}

/** A request whose `sent` promise resolves when the queue hands it to the socket. */
function request(correlationId: number) {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const entry = { correlationId, apiName: 'Fetch', apiKey: 1, apiVersion: 11, resolve: () => undefined, reject: () => undefined };
  return { sent, pushed: { entry, expectResponse: true, sendRequest: () => markSent() } };
}

describe('KafkaJS request queue without its idle timer loop (kafkajs-idle-loop.ts)', () => {
  beforeAll(() => expect(stopKafkajsIdleLoop()).toBe(true)); // fails when KafkaJS is upgraded: look at the fix again
  afterEach(() => queues.splice(0).forEach((q) => q.destroy()));

  it('leaves no timer behind once nothing waits (KafkaJS 2.2.4 re-armed a 1 ms timer for ever)', async () => {
    const q = queue();
    const first = request(1);
    q.push(first.pushed);
    await first.sent;
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(q.pending).toHaveLength(0);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a request that waited on the in-flight limit when the one in flight answers', async () => {
    const q = queue(1);
    const first = request(1);
    const second = request(2);
    q.push(first.pushed);
    q.push(second.pushed);
    await first.sent;
    expect(q.pending).toHaveLength(1);
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    await second.sent;
    expect(q.pending).toHaveLength(0);
  });

  it('still sends a request held back by broker throttling once the throttle has passed, with no other event to wake it', async () => {
    const q = queue();
    q.maybeThrottle(30);
    const held = request(1);
    q.push(held.pushed);
    expect(q.pending).toHaveLength(1);
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    await held.sent;
    expect(q.pending).toHaveLength(0);
  });
});

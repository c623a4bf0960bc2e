import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { createBuyer, createMerchant, creditOrder, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(180_000);

/** OTLP span kinds (opentelemetry-proto trace.proto). */
const KIND = { 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' } as Record<number, string>;

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  attributes: Record<string, unknown>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
type OtlpAttributes = Array<{ key: string; value: OtlpValue }>;
const attributesOf = (list: OtlpAttributes = []) => Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue]));

/**
 * A collector's OTLP/HTTP traces endpoint, JSON encoding (what @opentelemetry/exporter-trace-otlp-http
 * sends), in the test process: the stack's services export to it as they would to a real one.
 */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces' && /json/.test(request.headers['content-type'] ?? '')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans?: Array<{ resource?: { attributes?: OtlpAttributes }; scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttributes }> }> }>;
        };
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, kind: KIND[span.kind] ?? String(span.kind), attributes: attributesOf(span.attributes) });
            }
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        response.writeHead(415).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const CONSUMERS_OF_ORDER_PLACED = ['credit-billing-service', 'logistics-service', 'after-sales-service', 'export-service'];

describe('traces across the stack (real Kafka + PostgreSQL, OTLP/HTTP JSON to a receiver in the test)', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let stack: { gatewayUrl: string; stop(): Promise<void>; startService(app: string, env?: Record<string, string>): Promise<void>; stopService(app: string): Promise<void> };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({
      ...infrastructure(),
      ...isolation('tracing'),
      basePort: 6150,
      logDir: 'tmp/test-logs/tracing',
      env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('follows one credit order from POST /orders through the outbox, Kafka and every consumer to the credit hold and back', async () => {
    const gateway = new GatewayClient(stack.gatewayUrl);
    const operator = await operatorOf(gateway);
    const merchantId = await createMerchant(operator);
    const { client: buyer } = await createBuyer(gateway, operator, 10_000);

    // The caller starts the trace, as a traced client or an edge proxy would.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const placed = await buyer.request('POST', '/orders', await creditOrder(merchantId, 1_250), { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(placed.status).toBe(201);
    await waitForStatus(buyer, placed.body.id, 'WAITING_OUTBOUND');

    const find = (spans: ReceivedSpan[], service: string, name: string) => spans.find((span) => span.service === service && span.name === name);
    const spans = await waitUntil(
      async () => {
        const inTrace = receiver.spans.filter((span) => span.traceId === traceId);
        const complete = find(inTrace, 'order-service', 'process CreditHoldPlaced') && CONSUMERS_OF_ORDER_PLACED.every((service) => find(inTrace, service, 'process OrderPlaced'));
        return complete ? inTrace : undefined;
      },
      'the spans of the order in every service',
      60_000,
    );

    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const ancestry = (span: ReceivedSpan): ReceivedSpan[] => {
      const chain: ReceivedSpan[] = [];
      for (let current: ReceivedSpan | undefined = span; current; current = current.parentSpanId ? byId.get(current.parentSpanId) : undefined) chain.push(current);
      return chain;
    };
    const describe = (chain: ReceivedSpan[]) => chain.map((span) => `${span.service} ${span.kind} ${span.name}`);

    // The way back: order-service applied the hold, caused by credit-billing's event, caused by
    // order-service's OrderPlaced, written while serving the gateway's call for the buyer's POST.
    const back = ancestry(find(spans, 'order-service', 'process CreditHoldPlaced')!);
    expect(describe(back)).toEqual([
      'order-service CONSUMER process CreditHoldPlaced',
      'credit-billing-service PRODUCER send CreditHoldPlaced',
      'credit-billing-service CONSUMER process OrderPlaced',
      'order-service PRODUCER send OrderPlaced',
      'order-service SERVER POST',
      'gateway CLIENT POST',
      'gateway SERVER POST',
    ]);
    // The root of the chain is the caller's span: no link was lost on the way.
    expect(back[back.length - 1].parentSpanId).toBe(callerSpanId);
    expect(back[back.length - 1].attributes).toMatchObject({ 'http.request.method': 'POST', 'url.path': '/api/v1/orders', 'http.response.status_code': 201 });
    expect(back[0].attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.consumer.group.name': expect.stringContaining('order'), 'orderline.event_type': 'CreditHoldPlaced' });

    // Every consumer of OrderPlaced is a child of the one producer span, over Kafka.
    const sendOrderPlaced = find(spans, 'order-service', 'send OrderPlaced')!;
    for (const service of CONSUMERS_OF_ORDER_PLACED) {
      expect({ service, parent: find(spans, service, 'process OrderPlaced')!.parentSpanId }).toEqual({ service, parent: sendOrderPlaced.spanId });
    }

    // The credit hold itself: credit-billing's queries run inside its consumer span.
    const holdConsumer = find(spans, 'credit-billing-service', 'process OrderPlaced')!;
    const holdQueries = spans.filter((span) => span.service === 'credit-billing-service' && span.kind === 'CLIENT' && span.parentSpanId === holdConsumer.spanId);
    const statements = holdQueries.map((span) => String(span.attributes['db.query.text']));
    expect(holdQueries[0].attributes).toMatchObject({ 'db.system.name': 'postgresql' });
    expect(statements).toEqual(expect.arrayContaining([expect.stringMatching(/^INSERT INTO "credit_hold"/), expect.stringMatching(/^UPDATE credit_account SET held = /)]));
  });

  it('a service stopped with SIGTERM exports the spans it still held before it exits', async () => {
    // A 10-minute export interval: only the flush on stop can deliver this span within the test.
    await stack.stopService('gateway');
    await stack.startService('gateway', { OTEL_BSP_SCHEDULE_DELAY: '600000' });
    const traceId = randomBytes(16).toString('hex');
    const answer = await new GatewayClient(stack.gatewayUrl).request('GET', '/credit/account', undefined, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(answer.status).toBe(401);
    expect(receiver.spans.filter((span) => span.traceId === traceId)).toEqual([]);

    // stopService resolves once the process has exited: the export has been answered by then.
    await stack.stopService('gateway');
    expect(receiver.spans.filter((span) => span.traceId === traceId).map((span) => `${span.service} ${span.kind} ${span.name}`)).toContain('gateway SERVER GET');
  });
});

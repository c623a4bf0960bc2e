import { ForwardedProblem, loadConfig } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { runWithIdempotencyKey, ServiceClient } from './service-client';

/** Issue 13 item 2: which downstream calls the gateway sends again, and what the caller gets when it gives up. */
describe('gateway service client under back-pressure', () => {
  const config = loadConfig(GatewayConfig, {
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
  });
  const busy = () => new Response(JSON.stringify({ type: 't', title: 'Service Unavailable', status: 503, detail: 'pool busy', code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 }), { status: 503, headers: { 'content-type': 'application/problem+json', 'retry-after': '1' } });
  const ok = () => new Response(JSON.stringify({ id: 'o1' }), { status: 201 });
  let fetchMock: jest.SpyInstance;

  beforeEach(() => {
    fetchMock = jest.spyOn(global, 'fetch');
  });
  afterEach(() => fetchMock.mockRestore());

  it('sends a GET again after a 503 and returns the answer that came', async () => {
    fetchMock.mockResolvedValueOnce(busy()).mockResolvedValueOnce(ok());
    await expect(new ServiceClient(config).call('order', 'GET', '/orders/o1', null)).resolves.toEqual({ id: 'o1' });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('never sends a state-changing call again without an Idempotency-Key: the 503 goes to the caller with its Retry-After', async () => {
    fetchMock.mockImplementation(async () => busy());
    const failure = await new ServiceClient(config).call('order', 'POST', '/orders', null, {}).catch((error) => error);
    expect(failure).toBeInstanceOf(ForwardedProblem);
    expect((failure as ForwardedProblem).problem).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('sends a keyed state-changing call again, a bounded number of times', async () => {
    fetchMock.mockImplementation(async () => busy());
    const failure = await runWithIdempotencyKey('key-1', () => new ServiceClient(config).call('order', 'POST', '/orders', null, {})).catch((error) => error);
    expect((failure as ForwardedProblem).problem).toMatchObject({ status: 503 });
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it('answers an unreachable service with 503 + retryAfterSeconds, never 500 or 502', async () => {
    fetchMock.mockRejectedValue(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    const failure = await new ServiceClient(config).call('order', 'GET', '/orders/o1', null).catch((error) => error);
    expect((failure as ForwardedProblem).problem).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });
});

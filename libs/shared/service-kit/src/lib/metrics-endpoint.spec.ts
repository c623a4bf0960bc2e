import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { metricsEndpoint, MetricsEndpointPolicy } from './metrics-endpoint';

/** Runs the endpoint on a fake exchange; resolves with the answer, or `next` when it passed the request on. */
function scrape(policy: MetricsEndpointPolicy, headers: Record<string, string> = {}, path = '/metrics'): Promise<{ status: number; body: string; headers: Record<string, string> } | 'next'> {
  return new Promise((resolve) => {
    const sent: Record<string, string> = {};
    let status = 200;
    const request = { path, method: 'GET', header: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
    const response = Object.assign(new EventEmitter(), {
      setHeader: (name: string, value: string) => (sent[name.toLowerCase()] = value),
      status: (code: number) => ((status = code), response),
      type: (value: string) => ((sent['content-type'] = value), response),
      send: (body: string) => resolve({ status, body, headers: sent }),
      end: (body: string) => resolve({ status, body, headers: sent }),
    }) as unknown as Response;
    metricsEndpoint(policy)(request, response, () => resolve('next'));
  });
}

describe('GET /metrics access', () => {
  it('serves the exposition to anyone on an internal (open) port', async () => {
    const answer = await scrape({ open: true });
    expect(answer).toMatchObject({ status: 200, headers: { 'content-type': expect.stringMatching(/^text\/plain/) } });
    expect(answer !== 'next' && answer.body).toContain('# TYPE orderline_http_requests_total counter');
  });

  it('asks for the bearer token when one is configured, open or not', async () => {
    const token = 'a-metrics-token-of-some-length';
    expect(await scrape({ open: true, token })).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"' } });
    expect(await scrape({ open: false, token }, { authorization: 'Bearer wrong' })).toMatchObject({ status: 401 });
    expect(await scrape({ open: false, token }, { authorization: `Bearer ${token}` })).toMatchObject({ status: 200 });
  });

  it('does not exist on a public port without a token, and leaves other paths alone', async () => {
    expect(await scrape({ open: false })).toBe('next');
    expect(await scrape({ open: true }, {}, '/orders')).toBe('next');
  });
});

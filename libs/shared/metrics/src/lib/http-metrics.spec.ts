import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { httpMetricsMiddleware, methodLabel, routeLabel } from './http-metrics';
import { familyValues } from './metrics-registry';

function exchange(method: string, route: { path: unknown } | undefined, status: number) {
  const request = { method, baseUrl: '', route } as unknown as Request;
  const response = Object.assign(new EventEmitter(), { statusCode: status }) as unknown as Response;
  return { request, response };
}

describe('HTTP metrics', () => {
  it('labels a request with its route template, never its raw path', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/api/v1/orders/:id' } } as never)).toBe('/api/v1/orders/:id');
    expect(routeLabel({ baseUrl: '/admin', route: { path: '/clock' } } as never)).toBe('/admin/clock');
    expect(routeLabel({ baseUrl: '', route: undefined } as never)).toBe('unmatched');
    expect(routeLabel({ baseUrl: '', route: { path: /regex/ } } as never)).toBe('unmatched');
  });

  it('folds unknown methods into OTHER (a client cannot mint label values)', () => {
    expect(methodLabel('GET')).toBe('GET');
    expect(methodLabel('PROPFIND')).toBe('OTHER');
  });

  it('counts and times a request when its response is sent', async () => {
    const middleware = httpMetricsMiddleware('gateway');
    const { request, response } = exchange('POST', { path: '/api/v1/orders' }, 201);
    const next = jest.fn();
    middleware(request, response, next);
    expect(next).toHaveBeenCalled();
    response.emit('finish');
    const counted = await familyValues('orderline_http_requests_total');
    expect(counted).toContainEqual(expect.objectContaining({ labels: { service: 'gateway', method: 'POST', route: '/api/v1/orders', status: '201' }, value: 1 }));
    const timed = await familyValues('orderline_http_request_duration_seconds');
    expect(timed.find((v) => v.metricName === 'orderline_http_request_duration_seconds_count' && v.labels.route === '/api/v1/orders')?.value).toBe(1);
  });
});

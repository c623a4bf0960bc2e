import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration, httpRequests } from './metrics-registry';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template a request matched (`/api/v1/orders/:id`), never its raw path: raw paths
 * carry ids and would make one series per order. A request no route took (404s, a refusal by a
 * middleware before routing: 401, 413, 415, 503 shedding) is `unmatched`.
 */
export function routeLabel(request: Pick<Request, 'baseUrl' | 'route'>): string {
  const path = request.route?.path;
  if (typeof path !== 'string') return 'unmatched';
  return `${request.baseUrl ?? ''}${path}` || '/';
}

export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

/** Counts and times every answered request of `service` (mounted first, so refusals count too). */
export function httpMetricsMiddleware(service: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { service, method: methodLabel(request.method), route: routeLabel(request) };
      httpRequests.inc({ ...labels, status: String(response.statusCode) });
      httpRequestDuration.observe(labels, seconds);
    });
    next();
  };
}

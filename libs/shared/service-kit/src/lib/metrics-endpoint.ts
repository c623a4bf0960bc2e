import { timingSafeEqual } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { renderMetrics } from '@orderline/shared/metrics';
import { overloadProblem, problem, sendProblem } from './problem';

/**
 * Who may read `GET /metrics` (docs/observability.md "Metrics"):
 * - `token` set: only a caller with `Authorization: Bearer <token>` (Prometheus'
 *   `authorization.credentials_file`); anyone else gets 401.
 * - no token, `open`: anyone who reaches the port — the services, whose ports are internal
 *   (compose publishes none of them), and the embedded platform bound to loopback.
 * - no token, not open: the path does not exist (404) — the public gateway, so a forgotten
 *   setting never shows the internet the platform's traffic and queues.
 */
export interface MetricsEndpointPolicy {
  token?: string;
  open: boolean;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Mounted before authentication and load shedding: a scrape must work when the service is busiest. */
export function metricsEndpoint(policy: MetricsEndpointPolicy) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
    if (policy.token) {
      if (!bearerMatches(request.header('authorization'), policy.token)) {
        response.setHeader('www-authenticate', 'Bearer realm="metrics"');
        return sendProblem(response, problem(401, 'UNAUTHENTICATED', 'metrics need the bearer token the operator configured (METRICS_TOKEN)'));
      }
    } else if (!policy.open) {
      return next();
    }
    renderMetrics().then(
      ({ contentType, body }) => {
        response.setHeader('content-type', contentType);
        response.setHeader('cache-control', 'no-store');
        response.status(200).end(request.method === 'HEAD' ? undefined : body);
      },
      // Sources failing are reported as series (orderline_metrics_source_up 0); this is the registry itself failing.
      () => sendProblem(response, overloadProblem('metrics could not be rendered; try again shortly', 'METRICS_UNAVAILABLE')),
    );
  };
}

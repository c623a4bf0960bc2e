import { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import { extname, join, sep } from 'node:path';
import { DataSource } from 'typeorm';
import { FixedWindowCounter } from '@orderline/gateway/domain';
import { Clock, PLATFORM_CLOCK, problem, sendProblem, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { AccessTokens } from './access-tokens';
import { mountEventDocs } from './event-docs';
import { idempotencyMiddleware } from './idempotency.middleware';
import { buildGatewayOpenApiDocument } from './openapi-document';

/** Headers for a JSON API: no sniffing, no framing, no referrer, HTTPS only. */
function securityHeaders(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  // The API answers JSON only; the OpenAPI UI under /docs needs its own scripts and styles.
  if (!request.path.startsWith('/docs')) response.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  next();
}

function ipRateLimit(counter: FixedWindowCounter, clock: Clock) {
  return (request: Request, response: Response, next: NextFunction) => {
    const decision = counter.take(request.socket.remoteAddress ?? 'unknown', clock.now().getTime());
    if (decision.allowed) return next();
    sendProblem(response, problem(429, 'RATE_LIMITED', `too many requests from this address; retry in ${decision.retryAfterSeconds} s`, { retryAfterSeconds: decision.retryAfterSeconds }));
  };
}

/** Everything the public door adds to a plain service app: headers, CORS, limits, idempotency, docs. */
export function configureGatewayHttp(app: INestApplication): void {
  const config = app.get<GatewayConfig>(SERVICE_CONFIG);
  const clock = app.get<Clock>(PLATFORM_CLOCK);
  const origins = config.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean);
  app.enableCors({
    origin: origins.includes('*') ? true : origins,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id', 'x-request-id'],
    exposedHeaders: ['x-correlation-id', 'retry-after', 'idempotent-replayed'],
    maxAge: 600,
  });
  app.use(securityHeaders);
  app.use(ipRateLimit(new FixedWindowCounter({ limit: config.RATE_LIMIT_IP_PER_MINUTE, windowMs: 60_000 }), clock));
  app.use(idempotencyMiddleware({ dataSource: app.get(DataSource), tokens: app.get(AccessTokens), clock, ttlHours: config.IDEMPOTENCY_TTL_HOURS, leaseSeconds: config.IDEMPOTENCY_LEASE_SECONDS }));
  mountApiDocs(app);
  mountEventDocs(app);
}

/** OpenAPI document at /docs-json (and /docs/openapi.json), UI at /docs. */
export function mountApiDocs(app: INestApplication): void {
  const document = buildGatewayOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  app.getHttpAdapter().get('/docs/openapi.json', (_request: Request, response: Response) => response.json(document));
}

/** Paths the console never answers: the API, its documents, health and metrics stay the gateway's. */
const NOT_CONSOLE = /^\/(api|docs|docs-json|health|metrics|asyncapi\.json)(\/|$)/;

/**
 * The browser console (apps/console, built into `dir` by Vite) at `/` — embedded mode only:
 * its static files, and index.html for any other page path so a deep link or a reload of
 * /orders/<id> opens the page (history fallback). The scripts and styles are the console's own;
 * Ant Design writes its styles into <style> elements, hence 'unsafe-inline' for styles only.
 */
export function mountConsole(app: INestApplication, dir: string): void {
  const index = join(dir, 'index.html');
  // Vite names every script and style after its content: a browser keeps them for good and a
  // reload parses nothing it already compiled; a new build is a new name in a no-cache index.html.
  const files = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (response, path) => response.setHeader('Cache-Control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  const policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || NOT_CONSOLE.test(request.path)) return next();
    response.setHeader('Content-Security-Policy', policy);
    files(request, response, () => {
      // Only a page request falls back to index.html: a missing script or image stays a 404.
      if (extname(request.path) || !request.accepts('html')) return next();
      response.setHeader('Cache-Control', 'no-cache');
      response.sendFile(index);
    });
  });
}

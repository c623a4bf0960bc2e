import express from 'express';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessLog, loggedRoute } from './access-log';
import { JsonLogger, logFormatFrom } from './json-logger';

describe('access log route', () => {
  it('is the route template when a route matched, else the path with every value replaced by *', () => {
    expect(loggedRoute({ route: { path: '/api/v1/orders/:id' }, baseUrl: '', originalUrl: '/api/v1/orders/42' })).toBe('/api/v1/orders/:id');
    expect(loggedRoute({ route: undefined, baseUrl: '', originalUrl: '/api/v1/buyers/13800138000/李四?phone=13800138000' })).toBe('/api/v1/buyers/*/*');
    expect(loggedRoute({ route: undefined, baseUrl: '', originalUrl: '/internal/orders/3f2a9c1e-0000-4000-8000-000000000000' })).toBe('/internal/orders/*');
  });
});

describe('log format', () => {
  it('is pretty on a terminal unless LOG_FORMAT says otherwise, and json elsewhere', () => {
    expect(logFormatFrom({}, true)).toBe('pretty');
    expect(logFormatFrom({}, false)).toBe('json');
    expect(logFormatFrom({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormatFrom({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });

  it('writes a readable line in pretty mode, redacted like a JSON one, and sends Nest\'s wiring to debug', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('gateway', 'info', (line) => lines.push(line), 'pretty');
    logger.emit('info', 'GET /api/v1/orders/:id 200 12ms', 'access', { method: 'GET', route: '/api/v1/orders/:id', status: 200, latencyMs: 12, correlationId: 'c-1', phone: '13800138000' });
    logger.log('Mapped {/api/v1/orders, POST} route', 'RouterExplorer');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}gateway access: GET \/api\/v1\/orders\/:id 200 12ms {2}correlationId=c-1 phone=\[redacted\]$/);
  });
});

describe('access line', () => {
  it('is one line per request with the chosen fields, its level by outcome, and nothing of the headers', async () => {
    const lines: string[] = [];
    const app = express();
    app.use(accessLog(new JsonLogger('gateway', 'info', (line) => lines.push(line)), { trustPrincipalHeader: false }));
    app.get('/orders/:id', (_request, response) => {
      response.json({ ok: true });
    });
    app.get('/broken', (_request, response) => {
      response.status(500).json({});
    });
    app.get('/health', (_request, response) => {
      response.json({});
    });
    const server = app.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // The probe first: its line (at debug, below this logger's level) would precede the others.
      await (await fetch(`${base}/health`)).text();
      const headers = { authorization: 'Bearer secret-token-value', 'x-correlation-id': 'c-42' };
      await (await fetch(`${base}/orders/13800138000`, { headers })).text();
      await (await fetch(`${base}/broken`, { headers: { 'x-correlation-id': 'c-43' } })).text();
      // A line is written when the response finishes, which the client may see first.
      for (let tries = 0; lines.length < 2 && tries < 500; tries++) await new Promise((resolve) => setImmediate(resolve));
      const records = lines.map((line) => JSON.parse(line));
      expect(records).toHaveLength(2);
      expect(records[0]).toMatchObject({ level: 'info', context: 'access', correlationId: 'c-42', method: 'GET', route: '/orders/:id', status: 200 });
      expect(records[0].msg).toMatch(/^GET \/orders\/:id 200 \d+ms$/);
      expect(records[0].latencyMs).toEqual(expect.any(Number));
      expect(records[1]).toMatchObject({ level: 'error', correlationId: 'c-43', route: '/broken', status: 500 });
      expect(lines.join('\n')).not.toMatch(/secret-token-value|13800138000|authorization|reqId|"req"/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('is written once, marked aborted, when the caller hangs up before the answer', async () => {
    const lines: string[] = [];
    const app = express();
    app.use(accessLog(new JsonLogger('order', 'info', (line) => lines.push(line)), { trustPrincipalHeader: false }));
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const answered = new Promise<void>((resolve) => {
      app.get('/slow/:id', (_request, response) => {
        arrived();
        // Answers only after the caller has gone: 'close' comes first, then this late answer.
        response.on('close', () => {
          response.json({ late: true });
          resolve();
        });
      });
    });
    const server = app.listen(0);
    try {
      const request = http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/slow/13800138000', headers: { 'x-correlation-id': 'c-44' } });
      request.on('error', () => undefined);
      await requestArrived;
      request.destroy();
      await answered;
      for (let tries = 0; lines.length < 1 && tries < 500; tries++) await new Promise((resolve) => setImmediate(resolve));
      const records = lines.map((line) => JSON.parse(line));
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ context: 'access', correlationId: 'c-44', method: 'GET', route: '/slow/:id', aborted: true });
      expect(records[0].latencyMs).toEqual(expect.any(Number));
      expect(lines.join('\n')).not.toMatch(/13800138000/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

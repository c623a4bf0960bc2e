import { loggedRoute } from './access-log';
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

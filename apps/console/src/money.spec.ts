import { formatFen, parseYuan } from './money';
import { problemOf } from './problem';

describe('console money', () => {
  it('formats integer fen as yuan without floating point', () => {
    expect(formatFen(19900)).toBe('¥199.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(123456789)).toBe('¥1,234,567.89');
    expect(formatFen(-5)).toBe('-¥0.05');
    expect(() => formatFen(12.5)).toThrow(/integer/);
  });

  it('parses what a merchant types in yuan into fen', () => {
    expect(parseYuan('398')).toBe(39800);
    expect(parseYuan('398.5')).toBe(39850);
    expect(parseYuan(' 0.07 ')).toBe(7);
    expect(parseYuan('1.234')).toBeUndefined();
    expect(parseYuan('-1')).toBeUndefined();
    expect(parseYuan('abc')).toBeUndefined();
  });
});

describe('console problems', () => {
  it('keeps the message, the code and every field of a problem+json answer', () => {
    const problem = problemOf(400, { code: 'VALIDATION_FAILED', detail: '1 field(s) failed validation', errors: [{ field: 'address.city', message: 'city should not be empty' }] });
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: '1 field(s) failed validation', fields: [{ field: 'address.city', message: 'city should not be empty' }] });
  });

  it('names the status when the body is not a problem, and keeps Retry-After', () => {
    expect(problemOf(503, 'Service Unavailable', '5')).toMatchObject({ code: 'HTTP_503', message: 'HTTP 503', retryAfterSeconds: 5 });
  });
});

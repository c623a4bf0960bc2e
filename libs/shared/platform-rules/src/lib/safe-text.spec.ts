import { inspectDocument, MAX_TEXT_LENGTH, textProblem } from './safe-text';

const LIMITS = { maxDepth: 32, maxArrayLength: 1_000, maxValues: 20_000 };

describe('the free-text rule', () => {
  it('refuses NUL, other C0 controls and DEL anywhere', () => {
    for (const bad of ['a\u0000b', '\u0001', 'x\u001Fy', 'del\u007F', '\u001B[31mred']) {
      expect(textProblem(bad)).toBe('CONTROL_CHARACTER');
      expect(textProblem(bad, true)).toBe('CONTROL_CHARACTER');
    }
  });

  it('allows TAB, LF and CR only in multi-line fields', () => {
    for (const text of ['line 1\nline 2', 'a\tb', 'a\r\nb']) {
      expect(textProblem(text)).toBe('CONTROL_CHARACTER');
      expect(textProblem(text, true)).toBeNull();
    }
  });

  it('refuses lone surrogates but keeps real pairs (emoji)', () => {
    expect(textProblem('\uD800')).toBe('LONE_SURROGATE');
    expect(textProblem('x\uDC00y')).toBe('LONE_SURROGATE');
    expect(textProblem('\uDE00\uD83D')).toBe('LONE_SURROGATE');
    expect(textProblem('kettle 😀')).toBeNull();
  });

  it('caps the length and lets RTL marks and formulas through (they are neutralised where they matter)', () => {
    expect(textProblem('x'.repeat(MAX_TEXT_LENGTH + 1))).toBe('TOO_LONG');
    expect(textProblem('\u202Eevil')).toBeNull();
    expect(textProblem('=HYPERLINK("x")')).toBeNull();
  });
});

describe('inspecting a document', () => {
  it('names each bad field by its path and judges multi-line by the field name', () => {
    const body = { consignee: { name: 'A\u0000', address: { detail: 'ok' } }, buyerNote: 'two\nlines', lines: [{ title: 'x\n' }] };
    expect(inspectDocument(body, LIMITS).text).toEqual([
      { field: 'consignee.name', problem: 'CONTROL_CHARACTER' },
      { field: 'lines.0.title', problem: 'CONTROL_CHARACTER' },
    ]);
  });

  it('normalises valid strings to NFC in place', () => {
    const body = { name: 'Cafe\u0301', tags: ['e\u0301'] };
    expect(inspectDocument(body, LIMITS).text).toEqual([]);
    expect(body).toEqual({ name: 'Café', tags: ['é'] });
  });

  it('refuses a 20 000-level document without recursion', () => {
    const deep = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000));
    expect(inspectDocument(deep, LIMITS).shape).toEqual({ kind: 'TOO_DEEP', field: expect.any(String) });
  });

  it('refuses a long array and too many values', () => {
    expect(inspectDocument({ ids: Array.from({ length: 100_000 }, (_, i) => i) }, LIMITS).shape).toEqual({ kind: 'ARRAY_TOO_LONG', field: 'ids' });
    const wide = { a: Array.from({ length: 900 }, () => Array.from({ length: 900 }, () => 1)) };
    expect(inspectDocument(wide, LIMITS).shape?.kind).toBe('TOO_MANY_VALUES');
  });

  it('checks object keys too', () => {
    expect(inspectDocument({ ['bad\u0000key']: 1 }, LIMITS).text).toEqual([{ field: '(key)', problem: 'CONTROL_CHARACTER' }]);
  });
});

import { combinedWrites } from './combined-writes';

describe('combinedWrites', () => {
  it('keeps a single statement as it is', () => {
    const one = { sql: 'INSERT INTO a (x) VALUES ($1)', values: [1] };
    expect(combinedWrites([one])).toBe(one);
  });

  it('turns every statement but the last into a WITH part and renumbers the placeholders after the first', () => {
    const combined = combinedWrites([
      { sql: 'INSERT INTO a (x, y) VALUES ($1, $2), ($3, DEFAULT)', values: [1, 2, 3] },
      { sql: 'INSERT INTO b (z) VALUES ($1)', values: ['b'] },
      { sql: 'INSERT INTO c (u, v) SELECT * FROM unnest($1::int[], $2::text[])', values: [[4], ['c']] },
    ]);
    expect(combined.sql).toBe(
      'WITH write_0 AS (INSERT INTO a (x, y) VALUES ($1, $2), ($3, DEFAULT)), write_1 AS (INSERT INTO b (z) VALUES ($4)) INSERT INTO c (u, v) SELECT * FROM unnest($5::int[], $6::text[])',
    );
    expect(combined.values).toEqual([1, 2, 3, 'b', [4], ['c']]);
  });

  it('renumbers placeholders of ten and more whole, not digit by digit', () => {
    const values = Array.from({ length: 11 }, (_, i) => i);
    const combined = combinedWrites([{ sql: 'INSERT INTO a (x) VALUES ($1)', values: [0] }, { sql: 'INSERT INTO b (x) VALUES ($11)', values }]);
    expect(combined.sql).toContain('VALUES ($12)');
  });

  it('refuses an empty list', () => {
    expect(() => combinedWrites([])).toThrow();
  });
});

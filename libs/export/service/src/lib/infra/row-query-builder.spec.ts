import { EXPORT_TYPE_CODES } from '@orderline/export/contract';
import { EXPORT_TYPES, columnsFor } from '@orderline/export/domain';
import { inlineParameters } from './read-model-rows';
import { rowQuery } from './row-query-builder';

const escape = (text: string) => `'${text.replace(/'/g, "''")}'`;

describe('read-model query builder', () => {
  it('the contract and the domain share the one declaration of the export types', () => {
    expect(EXPORT_TYPE_CODES).toBe(EXPORT_TYPES);
  });

  it('selects every column each type writes, for the merchant and the range only', () => {
    for (const type of EXPORT_TYPES) {
      const query = rowQuery({ type, merchantId: '00000000-0000-4000-8000-000000000001', from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z'), filters: {} });
      for (const column of columnsFor(type, 'FULL')) expect({ type, column: column.key, selected: query.columns.includes(column.key) }).toEqual({ type, column: column.key, selected: true });
      expect(query.sql).toMatch(/merchant_id = \$1 AND \S+ >= \$2 AND \S+ < \$3/);
      expect(query.parameters.slice(0, 3)).toEqual(['00000000-0000-4000-8000-000000000001', new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z')]);
    }
  });

  it('adds the type selector and the caller filters as parameters', () => {
    const query = rowQuery({ type: 'PRESALE_ORDERS', merchantId: 'm', from: new Date(0), to: new Date(1), filters: { status: ['PAUSED'], paymentMethod: ['COD'], skuId: "o'brien" } });
    expect(query.parameters.slice(3)).toEqual(['PRESALE', ['PAUSED'], ['COD'], "o'brien"]);
  });

  it('inlines parameters as escaped literals for COPY (no injection through a filter)', () => {
    const query = rowQuery({ type: 'UNPAID_ORDERS', merchantId: 'm', from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z'), filters: { status: ["x'); DROP TABLE export_order; --"], skuId: 'a' } });
    const sql = inlineParameters(query.sql, query.parameters, escape);
    expect(sql).not.toMatch(/\$\d/);
    expect(sql).toContain(`'2026-03-01T00:00:00.000Z'::timestamptz`);
    expect(sql).toContain(`ARRAY['x''); DROP TABLE export_order; --']::text[]`);
    expect(inlineParameters('$1 $10 $2', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], escape)).toBe(`'a' 'j' 'b'`);
  });
});

import { columnsFor, ConsigneeMode, ExportColumn, ExportType } from './export-types';
import { maskSensitive } from './consignee-masking';

export type Cell = string | number | null;

/**
 * Turns a read-model record into the cells of one file row, in column order, with the
 * consignee mode applied: MASKED masks every sensitive cell (domain.md §6.1), FULL keeps them
 * (the caller checked the sensitive-export permission), NONE has no such columns at all.
 */
export function rowProjector(type: ExportType, mode: ConsigneeMode): { columns: ExportColumn[]; project(record: Record<string, unknown>): Cell[] } {
  const columns = columnsFor(type, mode);
  const cells = columns.map((column) => {
    const mask = mode === 'MASKED' && column.sensitive ? column.sensitive : undefined;
    return { key: column.key, kind: column.kind, mask };
  });
  return {
    columns,
    project(record) {
      const row: Cell[] = new Array(cells.length);
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i];
        const value = record[cell.key];
        if (value === null || value === undefined) row[i] = null;
        else if (cell.kind === 'time') row[i] = value instanceof Date ? value.toISOString() : String(value);
        else if (cell.kind === 'integer') row[i] = typeof value === 'number' ? value : Number(value);
        else row[i] = cell.mask ? maskSensitive(cell.mask, String(value)) : Array.isArray(value) ? value.join('|') : String(value);
      }
      return row;
    },
  };
}

import { CellKind, columnsFor, ConsigneeMode, ExportColumn, ExportType, SensitiveKind } from './export-types';
import { maskSensitive } from './consignee-masking';

export type Cell = string | number | null;

/** Where an output column's value comes from: its index in the reader's row (-1: none), kind and mask. */
export interface ColumnSource {
  readonly index: number;
  readonly kind: CellKind;
  readonly mask?: SensitiveKind;
}

/**
 * Turns a read-model record into the cells of one file row, in column order, with the
 * consignee mode applied: MASKED masks every sensitive cell (domain.md §6.1), FULL keeps them
 * (the caller checked the sensitive-export permission), NONE has no such columns at all.
 */
export function rowProjector(
  type: ExportType,
  mode: ConsigneeMode,
  sourceKeys?: readonly string[],
): { columns: ExportColumn[]; sources: ColumnSource[]; project(record: Record<string, unknown>): Cell[]; projectValues(values: readonly unknown[]): Cell[] } {
  const columns = columnsFor(type, mode);
  const cells = columns.map((column) => {
    const mask = mode === 'MASKED' && column.sensitive ? column.sensitive : undefined;
    return { key: column.key, kind: column.kind, mask, index: sourceKeys ? sourceKeys.indexOf(column.key) : -1 };
  });
  const convert = (cell: (typeof cells)[number], value: unknown): Cell => {
    if (value === null || value === undefined) return null;
    if (cell.kind === 'time') return value instanceof Date ? value.toISOString() : String(value);
    if (cell.kind === 'integer') return typeof value === 'number' ? value : Number(value);
    return cell.mask ? maskSensitive(cell.mask, String(value)) : Array.isArray(value) ? value.join('|') : String(value);
  };
  return {
    columns,
    /** The same rules for a reader that hands over field bytes (`CsvLineEncoder`). */
    sources: cells.map(({ index, kind, mask }) => ({ index, kind, ...(mask ? { mask } : {}) })),
    /** Values in the order of `sourceKeys` (the reader's SELECT order). */
    projectValues(values) {
      const row: Cell[] = new Array(cells.length);
      for (let i = 0; i < cells.length; i++) row[i] = cells[i].index < 0 ? null : convert(cells[i], values[cells[i].index]);
      return row;
    },
    project(record) {
      const row: Cell[] = new Array(cells.length);
      for (let i = 0; i < cells.length; i++) row[i] = convert(cells[i], record[cells[i].key]);
      return row;
    },
  };
}

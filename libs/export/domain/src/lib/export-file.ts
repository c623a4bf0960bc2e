import type { Writable } from 'node:stream';
import type { ExportFormat } from './export-types';
import { CsvLineEncoder } from './csv-line-encoder';
import type { Cell, ColumnSource } from './row-projection';
import { CsvWriter, endStream, TabularWriter, XlsxWriter } from './tabular-writers';
import type { Utf8FieldRows } from './utf8-field-rows';
import { ZipWriter } from './zip-writer';

export interface ExportFileOptions {
  format: ExportFormat;
  /** Encrypted types (domain.md §5): the CSV/XLSX goes into a WinZip AES-256 zip. */
  password?: string;
  /** Name of the CSV/XLSX inside the encrypted zip, without extension. */
  baseName: string;
  deflateLevel?: number;
  modifiedAt?: Date;
  /** The projector's column sources: a CSV file then also takes rows as field bytes (`writeFieldRow`). */
  columnSources?: readonly ColumnSource[];
}

export interface ExportFile {
  /** Returns a promise only when a chunk was flushed (await it to respect back-pressure). */
  writeRow(cells: readonly Cell[]): Promise<void> | undefined;
  /** CSV with `columnSources` only: row `row` of a reader's batch, projected and written in one pass. */
  writeFieldRow?(rows: Utf8FieldRows, row: number): Promise<void> | undefined;
  finish(): Promise<void>;
}

/** What the downloaded file is: its extension and content type. */
export function exportFileKind(format: ExportFormat, encrypted: boolean): { extension: string; contentType: string } {
  if (encrypted) return { extension: 'zip', contentType: 'application/zip' };
  return format === 'CSV' ? { extension: 'csv', contentType: 'text/csv; charset=utf-8' } : { extension: 'xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
}

/**
 * The pipeline of one export file: rows → CSV/XLSX writer → (AES zip) → `out`. The caller
 * ends `out` after `finish()`.
 */
export async function openExportFile(out: Writable, header: readonly string[], options: ExportFileOptions): Promise<ExportFile> {
  const level = options.deflateLevel ?? 1;
  const modifiedAt = options.modifiedAt ?? new Date();
  const makeWriter = (target: Writable): TabularWriter => (options.format === 'CSV' ? new CsvWriter(target) : new XlsxWriter(target, level, modifiedAt));
  const fieldRows = (writer: TabularWriter): Pick<ExportFile, 'writeFieldRow'> => {
    if (!(writer instanceof CsvWriter) || !options.columnSources) return {};
    const encoder = new CsvLineEncoder(options.columnSources);
    return { writeFieldRow: (rows, row) => writer.writeFieldRow(encoder, rows, row) };
  };
  if (options.password === undefined) {
    const writer = makeWriter(out);
    await writer.start(header);
    return { writeRow: (cells) => writer.writeRow(cells), ...fieldRows(writer), finish: () => writer.finish() };
  }
  const zip = new ZipWriter(out, level);
  const extension = options.format === 'CSV' ? 'csv' : 'xlsx';
  // An .xlsx is deflated already: stored (and encrypted) as it is.
  const entry = await zip.openEntry(`${options.baseName}.${extension}`, { password: options.password, compress: options.format === 'CSV', modifiedAt });
  const writer = makeWriter(entry);
  await writer.start(header);
  return {
    writeRow: (cells) => writer.writeRow(cells),
    ...fieldRows(writer),
    finish: async () => {
      await writer.finish();
      await endStream(entry);
      await zip.finish();
    },
  };
}

import type { Writable } from 'node:stream';
import type { ExportFormat } from './export-types';
import type { Cell } from './row-projection';
import { CsvWriter, endStream, TabularWriter, XlsxWriter } from './tabular-writers';
import { ZipWriter } from './zip-writer';

export interface ExportFileOptions {
  format: ExportFormat;
  /** Encrypted types (domain.md §5): the CSV/XLSX goes into a WinZip AES-256 zip. */
  password?: string;
  /** Name of the CSV/XLSX inside the encrypted zip, without extension. */
  baseName: string;
  deflateLevel?: number;
  modifiedAt?: Date;
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
export async function openExportFile(out: Writable, header: readonly string[], options: ExportFileOptions): Promise<{ writeRow(cells: readonly Cell[]): Promise<void> | undefined; finish(): Promise<void> }> {
  const level = options.deflateLevel ?? 1;
  const modifiedAt = options.modifiedAt ?? new Date();
  const makeWriter = (target: Writable): TabularWriter => (options.format === 'CSV' ? new CsvWriter(target) : new XlsxWriter(target, level, modifiedAt));
  if (options.password === undefined) {
    const writer = makeWriter(out);
    await writer.start(header);
    return { writeRow: (cells) => writer.writeRow(cells), finish: () => writer.finish() };
  }
  const zip = new ZipWriter(out, level);
  const extension = options.format === 'CSV' ? 'csv' : 'xlsx';
  // An .xlsx is deflated already: stored (and encrypted) as it is.
  const entry = await zip.openEntry(`${options.baseName}.${extension}`, { password: options.password, compress: options.format === 'CSV', modifiedAt });
  const writer = makeWriter(entry);
  await writer.start(header);
  return {
    writeRow: (cells) => writer.writeRow(cells),
    finish: async () => {
      await writer.finish();
      await endStream(entry);
      await zip.finish();
    },
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { createWriteStream, promises as fs, WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { ExportServiceConfig } from '../export-service-config';

/**
 * Export files on disk. A task writes `<id>.<attempt>.part` and renames it to `<id>.<ext>`
 * only when every row is in, so a killed or failed task never leaves a file to download.
 */
@Injectable()
export class ExportFileStore {
  readonly directory: string;

  constructor(@Inject(SERVICE_CONFIG) config: ExportServiceConfig) {
    const database = new URL(config.DATABASE_URL).pathname.replace(/^\//, '') || 'export';
    this.directory = config.EXPORT_FILES_DIR || path.join(os.tmpdir(), 'orderline-exports', database);
  }

  async ensureDirectory(): Promise<void> {
    await fs.mkdir(this.directory, { recursive: true });
  }

  partPath(taskId: string, attempt: number): string {
    return path.join(this.directory, `${taskId}.${attempt}.part`);
  }

  finalPath(fileName: string): string {
    return path.join(this.directory, path.basename(fileName));
  }

  openPart(taskId: string, attempt: number): WriteStream {
    return createWriteStream(this.partPath(taskId, attempt), { flags: 'w', highWaterMark: 1024 * 1024 });
  }

  async publish(taskId: string, attempt: number, fileName: string): Promise<number> {
    const target = this.finalPath(fileName);
    await fs.rename(this.partPath(taskId, attempt), target);
    return (await fs.stat(target)).size;
  }

  /** Removes every file of a task (its parts and its final file); missing files are fine. */
  async removeTask(taskId: string): Promise<void> {
    const names = await fs.readdir(this.directory).catch(() => [] as string[]);
    await Promise.all(names.filter((name) => name.startsWith(`${taskId}.`)).map((name) => fs.rm(path.join(this.directory, name), { force: true })));
  }

  async exists(fileName: string): Promise<boolean> {
    return fs.access(this.finalPath(fileName)).then(
      () => true,
      () => false,
    );
  }
}

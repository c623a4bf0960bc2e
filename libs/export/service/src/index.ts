export * from './lib/export-service.module';
export * from './lib/export-service-config';
// The bench (tools/bench) drives the real export pipeline against a bench database.
export { runExportPipeline } from './lib/app/export-pipeline';
export { CopyRows, CursorRows } from './lib/infra/read-model-rows';
export { rowQuery } from './lib/infra/row-query-builder';
export { CreateExportSchema1763900002000 } from './lib/infra/export-schema.migration';
// `orderline export rebuild-read-model` (apps/admin-cli).
export { rebuildReadModel } from './lib/app/rebuild-read-model';
export type { RebuildReadModelResult } from './lib/app/rebuild-read-model';
// `orderline rotate-key` with EXPORT_PASSWORD_KEY.
export { resealExportPasswords } from './lib/app/reseal-export-passwords';
export type { ResealExportPasswordsResult } from './lib/app/reseal-export-passwords';

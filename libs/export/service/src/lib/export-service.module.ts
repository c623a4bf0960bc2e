import { DynamicModule, Module } from '@nestjs/common';
import { CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, OutboxTraceContext1765016000200 } from '@orderline/shared/messaging';
import { BaseServiceConfig, EVENT_HANDLERS, personalDataSecret, SERVICE_CONFIG, ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';
import { ExportsController } from './api/exports.controller';
import { ExportTaskRunner } from './app/export-task-runner';
import { ExportTasks } from './app/export-tasks';
import { readModelHandlers } from './app/read-model';
import { ExportFileStore } from './infra/export-file-store';
import { CreateExportSchema1763900002000 } from './infra/export-schema.migration';
import { ExportCompensationAndSignups1765100019100 } from './infra/export-compensation-signups.migration';
import { ExportTaskLanguage1764700021000 } from './infra/export-task-language.migration';
import { ExportTaskRepository } from './infra/export-task.repository';
import { PasswordVault } from './infra/password-vault';
import { EXPORT_EMBEDDED } from './infra/tokens';
import { EXPORT_SERVICE_NAME, readModelGroupId, ReadModelStatus } from './infra/read-model-status';

export { EXPORT_SERVICE_NAME };

/**
 * The export center (domain.md §5): its own read model built only from events, export tasks
 * run in the background, files streamed to disk.
 */
/** The schema of this service's database, in order (the service and `orderline migrate` apply them). */
export const EXPORT_MIGRATIONS = [CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, CreateExportSchema1763900002000, OutboxTraceContext1765016000200, ExportTaskLanguage1764700021000, ExportCompensationAndSignups1765100019100];

@Module({})
export class ExportServiceModule {
  static register(options: ServiceModuleOptions): DynamicModule {
    return {
      module: ExportServiceModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          ...options,
          serviceName: EXPORT_SERVICE_NAME,
          entities: [],
          migrations: EXPORT_MIGRATIONS,
          consumerGroupId: readModelGroupId,
          // A read model for files a merchant asks for and waits on: half a second of lag lets its
          // group take a window's events in one fetch and one transaction instead of one each
          // (issue 19, tools/bench/README.md).
          consumerBatchWindowMs: 500,
        }),
      ],
      controllers: [ExportsController],
      providers: [{ provide: EXPORT_EMBEDDED, useValue: options.embeddedDatabase === true }, ExportTasks, ExportTaskRunner, ExportTaskRepository, ExportFileStore, PasswordVault, ReadModelStatus, { provide: EVENT_HANDLERS, useFactory: (config: BaseServiceConfig) => readModelHandlers(personalDataSecret(config)), inject: [SERVICE_CONFIG] }],
    };
  }
}

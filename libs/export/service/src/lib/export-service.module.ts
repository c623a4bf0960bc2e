import { DynamicModule, Module } from '@nestjs/common';
import { CreateMessagingTables1763900000000 } from '@orderline/shared/messaging';
import { ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';

export const EXPORT_SERVICE_NAME = 'export-service';

/**
 * The export service: its own database (outbox and inbox so far), the event backbone and
 * /health. Its business rules arrive with their own issue.
 */
@Module({})
export class ExportServiceModule {
  static register(options: ServiceModuleOptions): DynamicModule {
    return {
      module: ExportServiceModule,
      imports: [ServiceRuntimeModule.forRoot({ ...options, serviceName: EXPORT_SERVICE_NAME, entities: [], migrations: [CreateMessagingTables1763900000000] })],
    };
  }
}

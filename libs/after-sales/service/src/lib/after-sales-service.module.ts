import { DynamicModule, Module } from '@nestjs/common';
import { CreateMessagingTables1763900000000 } from '@orderline/shared/messaging';
import { ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';

export const AFTER_SALES_SERVICE_NAME = 'after-sales-service';

/**
 * The after-sales service: its own database (outbox and inbox so far), the event backbone and
 * /health. Its business rules arrive with their own issue.
 */
@Module({})
export class AfterSalesServiceModule {
  static register(options: ServiceModuleOptions): DynamicModule {
    return {
      module: AfterSalesServiceModule,
      imports: [ServiceRuntimeModule.forRoot({ ...options, serviceName: AFTER_SALES_SERVICE_NAME, entities: [], migrations: [CreateMessagingTables1763900000000] })],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { CreateMessagingTables1763900000000 } from '@orderline/shared/messaging';
import { ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';

export const LOGISTICS_SERVICE_NAME = 'logistics-service';

/**
 * The logistics service: its own database (outbox and inbox so far), the event backbone and
 * /health. Its business rules arrive with their own issue.
 */
@Module({})
export class LogisticsServiceModule {
  static register(options: ServiceModuleOptions): DynamicModule {
    return {
      module: LogisticsServiceModule,
      imports: [ServiceRuntimeModule.forRoot({ ...options, serviceName: LOGISTICS_SERVICE_NAME, entities: [], migrations: [CreateMessagingTables1763900000000] })],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, CreateTimerFailures1764590000000, OutboxTraceContext1765016000200 } from '@orderline/shared/messaging';
import { EVENT_HANDLERS, ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';
import { AfterSalesController } from './api/after-sales.controller';
import { AfterSalesQueries } from './app/after-sales-queries';
import { ShipmentCatchUp } from './app/shipment-catch-up';
import { AfterSalesRequests } from './app/after-sales-requests';
import { AfterSalesTimers } from './app/after-sales-timers';
import { ExchangeProgress } from './app/exchange-progress';
import { OrderFactsProjection } from './app/order-facts';
import { RefundOffsetOutcomes } from './app/refund-offset-outcomes';
import { Refunds } from './app/refunds';
import { AfterSalesExchanges1764800020000 } from './infra/after-sales-exchanges.migration';
import { AfterSalesSchema1763900002000 } from './infra/after-sales-schema.migration';
import { AfterSalesCreditOffsetAnswers1764700013700, AfterSalesRefundOffsetFailures1764700013400 } from './infra/refund-offset-failures.migration';
import { RefundPaymentPort, SimulatedRefundProvider } from './infra/refund-payment-port';

export const AFTER_SALES_SERVICE_NAME = 'after-sales-service';

/**
 * The after-sales service (domain.md §3): returns, refund-only and exchanges; the refund
 * saga from the merchant's receipt to `RefundCompleted`.
 */
/** The schema of this service's database, in order (the service and `orderline migrate` apply them). */
export const AFTER_SALES_MIGRATIONS = [CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, AfterSalesSchema1763900002000, CreateTimerFailures1764590000000, AfterSalesRefundOffsetFailures1764700013400, AfterSalesCreditOffsetAnswers1764700013700, AfterSalesExchanges1764800020000, OutboxTraceContext1765016000200];

@Module({})
export class AfterSalesServiceModule {
  static register(options: ServiceModuleOptions): DynamicModule {
    return {
      module: AfterSalesServiceModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          ...options,
          serviceName: AFTER_SALES_SERVICE_NAME,
          entities: [],
          migrations: AFTER_SALES_MIGRATIONS,
          // After-sales keeps a copy of orders and loans for requests that come days later, and
          // learns refund outcomes no caller waits on: a quarter second's window takes a burst of
          // those events in one fetch instead of one round trip each (issue 19,
          // tools/bench/README.md). A request right after a shipment waits for the copy
          // (ShipmentCatchUp).
          consumerBatchWindowMs: 250,
        }),
      ],
      controllers: [AfterSalesController],
      providers: [
        OrderFactsProjection,
        AfterSalesRequests,
        AfterSalesQueries,
        ShipmentCatchUp,
        Refunds,
        RefundOffsetOutcomes,
        AfterSalesTimers,
        ExchangeProgress,
        { provide: RefundPaymentPort, useClass: SimulatedRefundProvider },
        {
          provide: EVENT_HANDLERS,
          useFactory: (facts: OrderFactsProjection, offsetOutcomes: RefundOffsetOutcomes, exchanges: ExchangeProgress) => [...facts.bindings(), ...offsetOutcomes.bindings(), ...exchanges.bindings()],
          inject: [OrderFactsProjection, RefundOffsetOutcomes, ExchangeProgress],
        },
      ],
    };
  }
}

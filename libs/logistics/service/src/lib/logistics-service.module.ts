import { DynamicModule, Module } from '@nestjs/common';
import { assertAutoConfirmTableIsConsistent } from '@orderline/logistics/domain';
import { CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, CreateTimerFailures1764590000000, OutboxTraceContext1765016000200 } from '@orderline/shared/messaging';
import { EVENT_HANDLERS, ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';
import { MerchantReplacementsController, MerchantReturnParcelsController } from './api/exchanges.controller';
import { CarrierEventsController, ExpressContractsController, MerchantShipmentsController, OrderTrackingController } from './api/shipments.controller';
import { Exchanges } from './app/exchanges';
import { ExpressContracts } from './app/express-contracts';
import { OrderFacts } from './app/order-facts';
import { ReceiptTimers } from './app/receipt-timers';
import { ShipOrders } from './app/ship-orders';
import { ShipmentChanges } from './app/shipment-changes';
import { ShipmentQueries } from './app/shipment-queries';
import { LogisticsExchanges1764800020100 } from './infra/logistics-exchanges.migration';
import { LogisticsSchema1763900002000 } from './infra/logistics-schema.migration';
import { PlatformCarrier, SimulatedPlatformCarrier } from './infra/platform-carrier';

export const LOGISTICS_SERVICE_NAME = 'logistics-service';

/**
 * The logistics service (domain.md §2): outbound (single, batch, merged), waybills and their
 * corrections, carrier tracking, interception, and the auto-confirm-of-receipt timers; exchanges'
 * replacements and return parcels (issue 18 item 2).
 */
/** The schema of this service's database, in order (the service and `orderline migrate` apply them). */
export const LOGISTICS_MIGRATIONS = [CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, LogisticsSchema1763900002000, CreateTimerFailures1764590000000, LogisticsExchanges1764800020100, OutboxTraceContext1765016000200];

@Module({})
export class LogisticsServiceModule {
  static register(options: ServiceModuleOptions): DynamicModule {
    // The §2.4 table is checked at start-up, not when the first timer fires.
    assertAutoConfirmTableIsConsistent();
    return {
      module: LogisticsServiceModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          ...options,
          serviceName: LOGISTICS_SERVICE_NAME,
          entities: [],
          migrations: LOGISTICS_MIGRATIONS,
          // Logistics applies a few of the order and after-sales events it is sent and is on no
          // path a buyer waits on: a quarter second's window takes a burst of them in one fetch
          // instead of one round trip each (issue 19, tools/bench/README.md). A shipment that
          // needs an order fact not yet in its copy asks the order service and waits for it
          // (ShipOrders.catchUpWithOrderService).
          consumerBatchWindowMs: 250,
        }),
      ],
      controllers: [MerchantShipmentsController, OrderTrackingController, CarrierEventsController, ExpressContractsController, MerchantReplacementsController, MerchantReturnParcelsController],
      providers: [
        ShipOrders,
        ShipmentChanges,
        ShipmentQueries,
        ReceiptTimers,
        ExpressContracts,
        OrderFacts,
        Exchanges,
        { provide: PlatformCarrier, useClass: SimulatedPlatformCarrier },
        { provide: EVENT_HANDLERS, useFactory: (orders: OrderFacts, exchanges: Exchanges) => [...orders.bindings(), ...exchanges.bindings()], inject: [OrderFacts, Exchanges] },
      ],
    };
  }
}

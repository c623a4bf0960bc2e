import { DynamicModule, Module } from '@nestjs/common';
import { CreateMessagingTables1763900000000, CreateTimerFailures1764590000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, OutboxTraceContext1765016000200 } from '@orderline/shared/messaging';
import { Topics } from '@orderline/shared/contracts';
import { observeCreditDecision } from '@orderline/shared/metrics';
import { EVENT_HANDLERS, SERVICE_CONFIG, ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from './order-service-config';
import { CancellationRequestsController } from './api/cancellation-requests.controller';
import { MerchantOrdersController } from './api/merchant-orders.controller';
import { OrdersController } from './api/orders.controller';
import { PlatformReleasesController } from './api/platform-releases.controller';
import { ApplyCreditDecision } from './app/apply-credit-decision';
import { ApplyShipmentEvents } from './app/apply-shipment-events';
import { CancelOrder } from './app/cancel-order';
import { GetOrder } from './app/get-order';
import { OrderFlags } from './app/order-flags';
import { OrderFlags1763900001300 } from './infra/order-flags.migration';
import { OrderRemarks } from './app/order-remarks';
import { OrderRemarks1763900001100 } from './infra/order-remarks.migration';
import { OrderListIndexes1763900001200 } from './infra/order-list-indexes.migration';
import { NegotiatedCancellations } from './app/negotiated-cancellations';
import { OrderCancellationRequests1763900001000 } from './infra/order-cancellation-requests.migration';
import { OrderPayments } from './app/order-payments';
import { OrderTimers } from './app/order-timers';
import { PaymentProvider, SimulatedPaymentProvider } from './infra/payment-provider';
import { OrderPayments1763900000900 } from './infra/order-payments.migration';
import { MerchantOperations } from './app/merchant-operations';
import { MerchantOrderList } from './app/merchant-order-list';
import { BuyerOrderList } from './app/buyer-order-list';
import { PlaceOrder } from './app/place-order';
import { PlacementPacing } from './app/placement-pacing';
import { ORDER_ENTITIES } from './infra/order.entity';
import { CreateOrderSchema1763900000100 } from './infra/order-schema.migration';
import { OrderOperations1763900000800 } from './infra/order-operations.migration';
import { OrderLifecycle1763900001400 } from './infra/order-lifecycle.migration';
import { OrderStatusCounts1763900001500 } from './infra/order-status-counts.migration';
import { ApplyAfterSalesEvents } from './app/apply-after-sales';
import { OrderAfterSales1763900001600 } from './infra/order-after-sales.migration';
import { OrderFactOwners1763900004100 } from './infra/order-fact-owners.migration';
import { OrderSettlements } from './app/order-settlements';
import { MerchantCatalog } from './app/merchant-catalog';
import { MerchantCatalogController } from './api/merchant-catalog.controller';
import { OrderCatalogAndCoupons1763900001700 } from './infra/order-catalog.migration';
import { ShippingDeadlines } from './app/shipping-deadlines';
import { Compensations } from './app/compensations';
import { OrderCompensations1765100019000 } from './infra/order-compensations.migration';

export const ORDER_SERVICE_NAME = 'order-service';

/** The schema of this service's database, in order (the service and `orderline migrate` apply them). */
export const ORDER_MIGRATIONS = [CreateMessagingTables1763900000000, CreateOrderSchema1763900000100, OrderOperations1763900000800, OrderPayments1763900000900, OrderCancellationRequests1763900001000, OrderRemarks1763900001100, OrderListIndexes1763900001200, OrderFlags1763900001300, OrderLifecycle1763900001400, OrderStatusCounts1763900001500, OrderAfterSales1763900001600, OrderCatalogAndCoupons1763900001700, OrderFactOwners1763900004100, CreateTimerFailures1764590000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, OutboxTraceContext1765016000200, OrderCompensations1765100019000];

@Module({})
export class OrderServiceModule {
  static register(options: ServiceModuleOptions): DynamicModule {
    return {
      module: OrderServiceModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          ...options,
          serviceName: ORDER_SERVICE_NAME,
          entities: ORDER_ENTITIES,
          migrations: ORDER_MIGRATIONS,
          // A buyer waits on CreditHoldPlaced (credit.v1), so that group takes its events at once;
          // after-sales and logistics events update an order nobody is waiting on, and reach a
          // second group once a second instead of one fetch and one transaction each (issue 19:
          // half of this service's CPU per refund). Not a shorter window: an empty fetch costs the
          // service ~1.7 ms, so 250 ms added ~7 ms of CPU a second at rest (tools/bench/README.md).
          batchedTopics: { topics: [Topics.afterSales, Topics.logistics], batchWindowMs: 1_000 },
        }),
      ],
      controllers: [OrdersController, MerchantOrdersController, CancellationRequestsController, MerchantCatalogController, PlatformReleasesController],
      providers: [
        PlaceOrder,
        {
          provide: PlacementPacing,
          useFactory: (config: OrderServiceConfig) =>
            new PlacementPacing({ targetLagMs: config.PLACEMENT_PACING_LAG_MS, maxDelayMs: config.PLACEMENT_PACING_MAX_DELAY_MS }, (lagMs, outcome) => observeCreditDecision(ORDER_SERVICE_NAME, outcome, lagMs / 1_000)),
          inject: [SERVICE_CONFIG],
        },
        MerchantCatalog,
        CancelOrder,
        GetOrder,
        OrderFlags,
        OrderRemarks,
        NegotiatedCancellations,
        OrderPayments,
        OrderTimers,
        { provide: PaymentProvider, useClass: SimulatedPaymentProvider },
        MerchantOperations,
        MerchantOrderList,
        BuyerOrderList,
        ApplyCreditDecision,
        ApplyShipmentEvents,
        ApplyAfterSalesEvents,
        OrderSettlements,
        ShippingDeadlines,
        Compensations,
        {
          provide: EVENT_HANDLERS,
          useFactory: (credit: ApplyCreditDecision, shipments: ApplyShipmentEvents, afterSales: ApplyAfterSalesEvents) => [...credit.bindings(), ...shipments.bindings(), ...afterSales.bindings()],
          inject: [ApplyCreditDecision, ApplyShipmentEvents, ApplyAfterSalesEvents],
        },
      ],
    };
  }
}

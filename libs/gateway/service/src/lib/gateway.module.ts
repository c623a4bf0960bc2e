import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey, KeyObject } from 'node:crypto';
import { CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, OutboxTraceContext1765016000200 } from '@orderline/shared/messaging';
import { EVENT_HANDLERS, ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';
import { AccountsController } from './api/accounts.controller';
import { AfterSalesController, MerchantAfterSalesController, RefundSettlementsAdminController } from './api/after-sales.controller';
import { AdminClockController, AdminDeadLettersController, AdminOutboxController } from './api/admin.controller';
import { CancellationRequestsController } from './api/cancellation-requests.controller';
import { CarriersController } from './api/carriers.controller';
import { AdminSmsController, ConsumerContactsController } from './api/consumer-contacts.controller';
import { GroupBuysController, MerchantOrdersController, PlatformReleasesController } from './api/merchant-orders.controller';
import { MerchantPrivacyInterceptor } from './api/personal-data.interceptor';
import { CancellationSms } from './app/cancellation-sms';
import { AuthGuard } from './api/auth.guard';
import { AccessTokens } from './api/access-tokens';
import { CreditController } from './api/credit.controller';
import { GatewayHealthController } from './api/gateway-health.controller';
import { OrdersController } from './api/orders.controller';
import { MerchantCatalogController } from './api/merchant-catalog.controller';
import { AccountDirectory } from './app/account-directory';
import { Accounts } from './app/accounts';
import { Carriers } from './app/carriers';
import { ConsumerContacts } from './app/consumer-contacts';
import { MerchantAccounts } from './app/merchant-accounts';
import { MerchantOrders } from './app/merchant-orders';
import { GatewayConfig } from './gateway-config';
import { GATEWAY_ENTITIES } from './infra/gateway.entity';
import { GatewayApiQuality1763900000400 } from './infra/gateway-api.migration';
import { CreateGatewaySchema1763900000300 } from './infra/gateway-schema.migration';
import { ServiceClient } from './infra/service-client';
import { RecordingSmsSender, SmsSender } from './infra/sms-sender';
import { GatewayContacts1763900000500 } from './infra/gateway-contacts.migration';
import { GatewayCarriers1763900000600 } from './infra/gateway-carriers.migration';
import { MerchantReplacementsController, MerchantReturnParcelsController } from './api/exchanges.controller';
import { CarrierEventsController, ExpressServiceController, MerchantShipmentsController, OrderLogisticsController } from './api/logistics.controller';
import { ExportOperationsController, MerchantExportsController } from './api/merchant-exports.controller';
import { MerchantExports } from './app/merchant-exports';
import { GatewayExports1763900002100 } from './infra/gateway-exports.migration';
import { GatewayIdempotencyLease1764800000100 } from './infra/gateway-idempotency-lease.migration';

export const GATEWAY_SERVICE_NAME = 'gateway';
export const GATEWAY_PREFIX = 'api/v1';

/** The schema of this service's database, in order (the service and `orderline migrate` apply them). */
export const GATEWAY_MIGRATIONS = [CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, CreateGatewaySchema1763900000300, GatewayApiQuality1763900000400, GatewayContacts1763900000500, GatewayCarriers1763900000600, GatewayExports1763900002100, GatewayIdempotencyLease1764800000100, OutboxTraceContext1765016000200];

/**
 * The HS256 secret as a KeyObject, made once: given a string, jsonwebtoken tries it as a public
 * key on every verify and builds the secret key from the thrown error (about 5 % of the
 * gateway's CPU per order, issue 19).
 */
function jwtKeyOf(secret: string): () => KeyObject {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return () => key;
}

@Module({})
export class GatewayModule {
  static register(options: ServiceModuleOptions & { config: GatewayConfig }): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          ...options,
          serviceName: GATEWAY_SERVICE_NAME,
          internalEndpoints: false,
          // The gateway applies one event type (the cancellation SMS) of orders.v1, which carries
          // about four events per order: a second's wait turns those fetches into about one a
          // second (issue 19, tools/bench/README.md).
          consumerBatchWindowMs: 1_000,
          entities: GATEWAY_ENTITIES,
          migrations: GATEWAY_MIGRATIONS,
        }),
        JwtModule.register({ secretOrKeyProvider: jwtKeyOf(options.config.JWT_SECRET), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
      ],
      controllers: [AccountsController, OrdersController, MerchantOrdersController, CreditController, GatewayHealthController, AdminClockController, AdminOutboxController, AdminDeadLettersController, ConsumerContactsController, AdminSmsController, CarriersController, CancellationRequestsController, GroupBuysController, MerchantShipmentsController, OrderLogisticsController, CarrierEventsController, ExpressServiceController, AfterSalesController, MerchantAfterSalesController, RefundSettlementsAdminController, MerchantExportsController, ExportOperationsController, MerchantCatalogController, PlatformReleasesController, MerchantReplacementsController, MerchantReturnParcelsController],
      providers: [Accounts, Carriers, AccountDirectory, AccessTokens, MerchantAccounts, MerchantOrders, ConsumerContacts, ServiceClient, { provide: SmsSender, useClass: RecordingSmsSender }, { provide: APP_GUARD, useClass: AuthGuard }, MerchantExports,
        // domain.md §6.1 on every answer to a merchant account (issue 12).
        { provide: APP_INTERCEPTOR, useClass: MerchantPrivacyInterceptor },
        CancellationSms,
        { provide: EVENT_HANDLERS, useFactory: (sms: CancellationSms) => sms.bindings(), inject: [CancellationSms] },
      ],
    };
  }
}

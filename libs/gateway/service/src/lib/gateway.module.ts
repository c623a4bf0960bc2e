import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CreateMessagingTables1763900000000 } from '@orderline/shared/messaging';
import { ServiceModuleOptions, ServiceRuntimeModule } from '@orderline/shared/service-kit';
import { AccountsController } from './api/accounts.controller';
import { AuthGuard } from './api/auth.guard';
import { CreditController } from './api/credit.controller';
import { GatewayHealthController } from './api/gateway-health.controller';
import { OrdersController } from './api/orders.controller';
import { Accounts } from './app/accounts';
import { GatewayConfig } from './gateway-config';
import { GATEWAY_ENTITIES } from './infra/gateway.entity';
import { CreateGatewaySchema1763900000300 } from './infra/gateway-schema.migration';
import { ServiceClient } from './infra/service-client';

export const GATEWAY_SERVICE_NAME = 'gateway';
export const GATEWAY_PREFIX = 'api/v1';

@Module({})
export class GatewayModule {
  static register(options: ServiceModuleOptions & { config: GatewayConfig }): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          ...options,
          serviceName: GATEWAY_SERVICE_NAME,
          exposeHealth: false,
          entities: GATEWAY_ENTITIES,
          migrations: [CreateMessagingTables1763900000000, CreateGatewaySchema1763900000300],
        }),
        JwtModule.register({ secret: options.config.JWT_SECRET, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
      ],
      controllers: [AccountsController, OrdersController, CreditController, GatewayHealthController],
      providers: [Accounts, ServiceClient, { provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}

/** OpenAPI document and UI at /docs. */
export function mountApiDocs(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Orderline API')
      .setDescription('Orders and consumer credit for marketplace merchants. Money is integer fen; errors are application/problem+json with a stable code.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

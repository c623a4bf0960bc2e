import 'reflect-metadata';
import { ORDER_SERVICE_NAME, OrderServiceConfig, OrderServiceModule } from '@orderline/order/service';
import { runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: ORDER_SERVICE_NAME,
  configClass: OrderServiceConfig,
  module: (config, logger) => OrderServiceModule.register({ config, logger }),
});

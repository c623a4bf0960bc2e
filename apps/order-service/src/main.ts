import 'reflect-metadata';
import { OrderServiceModule, ORDER_SERVICE_NAME } from '@orderline/order/service';
import { BaseServiceConfig, runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: ORDER_SERVICE_NAME,
  configClass: BaseServiceConfig,
  module: (config, logger) => OrderServiceModule.register({ config, logger }),
});

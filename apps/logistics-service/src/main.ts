import 'reflect-metadata';
import { LogisticsServiceModule, LOGISTICS_SERVICE_NAME } from '@orderline/logistics/service';
import { BaseServiceConfig, runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: LOGISTICS_SERVICE_NAME,
  configClass: BaseServiceConfig,
  module: (config, logger) => LogisticsServiceModule.register({ config, logger }),
});

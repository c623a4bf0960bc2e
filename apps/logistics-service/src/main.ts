import 'reflect-metadata';
import { LogisticsServiceConfig, LogisticsServiceModule, LOGISTICS_SERVICE_NAME } from '@orderline/logistics/service';
import { runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: LOGISTICS_SERVICE_NAME,
  configClass: LogisticsServiceConfig,
  module: (config, logger) => LogisticsServiceModule.register({ config, logger }),
});

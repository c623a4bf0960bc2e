import 'reflect-metadata';
import { AfterSalesServiceModule, AFTER_SALES_SERVICE_NAME } from '@orderline/after-sales/service';
import { BaseServiceConfig, runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: AFTER_SALES_SERVICE_NAME,
  configClass: BaseServiceConfig,
  module: (config, logger) => AfterSalesServiceModule.register({ config, logger }),
});

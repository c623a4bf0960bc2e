import 'reflect-metadata';
import { AfterSalesConfig, AfterSalesServiceModule, AFTER_SALES_SERVICE_NAME } from '@orderline/after-sales/service';
import { runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: AFTER_SALES_SERVICE_NAME,
  configClass: AfterSalesConfig,
  module: (config, logger) => AfterSalesServiceModule.register({ config, logger }),
});

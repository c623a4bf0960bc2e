import 'reflect-metadata';
import { CreditBillingServiceModule, CREDIT_BILLING_SERVICE_NAME } from '@orderline/credit-billing/service';
import { BaseServiceConfig, runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: CREDIT_BILLING_SERVICE_NAME,
  configClass: BaseServiceConfig,
  module: (config, logger) => CreditBillingServiceModule.register({ config, logger }),
});

import 'reflect-metadata';
import { CREDIT_BILLING_SERVICE_NAME, CreditBillingConfig, CreditBillingServiceModule } from '@orderline/credit-billing/service';
import { runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: CREDIT_BILLING_SERVICE_NAME,
  configClass: CreditBillingConfig,
  module: (config, logger) => CreditBillingServiceModule.register({ config, logger }),
});

import { DynamicModule, Module } from '@nestjs/common';
import { CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, CreateTimerFailures1764590000000, OutboxTraceContext1765016000200 } from '@orderline/shared/messaging';
import { EVENT_HANDLERS, PaymentPort, SERVICE_CONFIG, ServiceModuleOptions, ServiceRuntimeModule, SimulatedPaymentPort } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from './credit-billing-config';
import { CreditAccountsController, CreditProductsController } from './api/credit-accounts.controller';
import { AccountCatchUp } from './app/account-catch-up';
import { AccountChanges } from './app/account-changes';
import { CreditAccounts } from './app/credit-accounts';
import { CreditHolds } from './app/credit-holds';
import { CreditProducts } from './app/credit-products';
import { CreditQueries } from './app/credit-queries';
import { LoanCaptures } from './app/loan-captures';
import { RefundOffsets } from './app/refund-offsets';
import { RefundReadThrough } from './app/refund-read-through';
import { Repayments } from './app/repayments';
import { StatementRuns } from './app/statement-runs';
import { CreditAccountRepository } from './infra/credit-account.repository';
import { CreditProductRepository } from './infra/credit-product.repository';
import { RefundOffsetRepository } from './infra/refund-offset.repository';
import { CreateCreditLedger1763900000700 } from './infra/credit-ledger.migration';
import { CREDIT_ENTITIES } from './infra/credit.entity';
import { CreditRepaymentPayments1764590000200 } from './infra/repayment-payments.migration';
import { RepaymentStore } from './infra/repayment-store';
import { CreateCreditSchema1763900000200 } from './infra/credit-schema.migration';

export const CREDIT_BILLING_SERVICE_NAME = 'credit-billing-service';

/** The schema of this service's database, in order (the service and `orderline migrate` apply them). */
export const CREDIT_BILLING_MIGRATIONS = [CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, CreateCreditSchema1763900000200, CreateCreditLedger1763900000700, CreateTimerFailures1764590000000, CreditRepaymentPayments1764590000200, OutboxTraceContext1765016000200];

@Module({})
export class CreditBillingServiceModule {
  static register(options: ServiceModuleOptions): DynamicModule {
    return {
      module: CreditBillingServiceModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          ...options,
          serviceName: CREDIT_BILLING_SERVICE_NAME,
          entities: CREDIT_ENTITIES,
          migrations: CREDIT_BILLING_MIGRATIONS,
        }),
      ],
      controllers: [CreditAccountsController, CreditProductsController],
      providers: [
        CreditAccountRepository,
        CreditProductRepository,
        RefundOffsetRepository,
        RepaymentStore,
        AccountChanges,
        AccountCatchUp,
        CreditAccounts,
        CreditQueries,
        CreditProducts,
        CreditHolds,
        LoanCaptures,
        RefundOffsets,
        RefundReadThrough,
        Repayments,
        StatementRuns,
        // The simulated provider is the default adapter; a real one replaces this binding.
        { provide: PaymentPort, useFactory: (config: CreditBillingConfig) => new SimulatedPaymentPort(config.SIMULATED_REPAYMENT_CONFIRMATION), inject: [SERVICE_CONFIG] },
        {
          provide: EVENT_HANDLERS,
          useFactory: (holds: CreditHolds, captures: LoanCaptures, refunds: RefundOffsets) => [...holds.bindings(), ...captures.bindings(), ...refunds.bindings()],
          inject: [CreditHolds, LoanCaptures, RefundOffsets],
        },
      ],
    };
  }
}

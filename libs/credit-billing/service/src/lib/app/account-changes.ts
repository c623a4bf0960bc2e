import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccountChange, CalendarDate, CommandContext, CreditAccount, CreditAccountEvent } from '@orderline/credit-billing/domain';
import {
  CreditHoldDeclined,
  CreditHoldPlaced,
  CreditHoldReleased,
  LoanBooked,
  LoanSettled,
  RefundOffsetApplied,
  RefundOffsetRefused,
  RepaymentReceived,
  StatementIssued,
} from '@orderline/shared/contracts';
import { TransactionScope } from '@orderline/shared/messaging';
import { Clock, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { CreditAccountRepository } from '../infra/credit-account.repository';
import { CreditAccountRecord } from '../infra/credit.entity';
import { periodSnapshot } from './loan-snapshots';

/**
 * The save half of every credit use case: a command's change of the credit account aggregate
 * is stored and its events published through the outbox, in the caller's transaction.
 */
@Injectable()
export class AccountChanges {
  constructor(
    private readonly accounts: CreditAccountRepository,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
  ) {}

  /** Today on the platform clock (statement days and late fees count platform days). */
  today(): CalendarDate {
    return platformDate(this.clock.now(), this.config.PLATFORM_UTC_OFFSET_MINUTES);
  }

  /** A command's day and the ids of what it creates (statements, balance payments). */
  context(): CommandContext {
    return { on: this.today(), newId: randomUUID };
  }

  /** Saves the change and publishes its events; keeps `record` (the caller's copy) up to date. */
  async commit<O>(scope: TransactionScope, record: CreditAccountRecord, before: CreditAccount, change: AccountChange<O>): Promise<O> {
    await this.accounts.save(scope, before, change, this.clock.now());
    const { held, outstanding, balance, nextStatementDate, lastStatementDate } = change.account;
    Object.assign(record, { held, outstanding, balance, nextStatementDate, lastStatementDate });
    for (const event of change.events) await publish(scope, record, event);
    return change.outcome;
  }
}

function publish(scope: TransactionScope, record: CreditAccountRecord, event: CreditAccountEvent): Promise<unknown> {
  const creditAccountId = record.id;
  switch (event.type) {
    case 'CreditHoldPlaced':
      return scope.publish(CreditHoldPlaced, { holdId: event.holdId, orderId: event.orderId, creditAccountId, amount: event.amount, availableAfter: event.availableAfter });
    case 'CreditHoldDeclined':
      return scope.publish(CreditHoldDeclined, { orderId: event.orderId, buyerId: record.buyerId, creditAccountId, amount: event.amount, available: event.available, reason: event.reason });
    case 'CreditHoldReleased':
      return scope.publish(CreditHoldReleased, { holdId: event.holdId, orderId: event.orderId, creditAccountId, amount: event.amount, reason: event.reason, availableAfter: event.availableAfter });
    case 'LoanBooked': {
      const { loan } = event;
      return scope.publish(LoanBooked, {
        loanId: loan.loanId,
        orderId: loan.orderId,
        creditAccountId,
        principal: loan.bookedPrincipal,
        plan: loan.terms.planType,
        periodCount: loan.terms.periodCount,
        releasedFromHold: event.releasedFromHold,
        periods: loan.periods.map(periodSnapshot),
      });
    }
    case 'RefundOffsetApplied':
      return scope.publish(RefundOffsetApplied, {
        refundId: event.refundId,
        orderId: event.orderId,
        loanId: event.loanId,
        creditAccountId,
        amount: event.amount,
        principalOffset: event.principalOffset,
        balanceCredit: event.balanceCredit,
        periodsBefore: event.periodsBefore.map(periodSnapshot),
        periodsAfter: event.periodsAfter.map(periodSnapshot),
      });
    case 'RefundOffsetRefused':
      return scope.publish(RefundOffsetRefused, { refundId: event.refundId, orderId: event.orderId, loanId: event.loanId, creditAccountId, amount: event.amount, reason: event.reason, refundable: event.refundable });
    case 'StatementIssued': {
      const { statement } = event;
      return scope.publish(StatementIssued, {
        statementId: event.statementId,
        creditAccountId,
        statementDate: statement.statementDate,
        dueDate: statement.dueDate,
        amountDue: statement.amountDue,
        sentToBuyer: statement.sentToBuyer,
      });
    }
    case 'RepaymentReceived':
      return scope.publish(RepaymentReceived, { repaymentId: event.repaymentId, creditAccountId, amount: event.amount, principalRepaid: event.principalRepaid, toBalance: event.toBalance });
    case 'LoanSettled':
      return scope.publish(LoanSettled, { loanId: event.loanId, orderId: event.orderId, creditAccountId });
  }
}

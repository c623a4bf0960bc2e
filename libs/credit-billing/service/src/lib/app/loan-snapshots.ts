import { LoanPeriod, owedOf } from '@orderline/credit-billing/domain';
import { LoanPeriodSnapshot } from '@orderline/shared/contracts';

/** A period as events and the API show it: what was billed, paid and credited, in fen. */
export function periodSnapshot(period: LoanPeriod): LoanPeriodSnapshot {
  return {
    index: period.index,
    statementDate: period.statementDate,
    dueDate: period.dueDate,
    status: period.status,
    principal: period.principal,
    fee: period.fee,
    lateFee: period.lateFee,
    paid: period.paidPrincipal + period.paidFee + period.paidLateFee,
    credited: period.creditedPrincipal,
  };
}

export function periodView(period: LoanPeriod) {
  return { ...periodSnapshot(period), owed: owedOf(period).total };
}

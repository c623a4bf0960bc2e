import { assertFen, Fen } from '@orderline/shared/money';

/** The figures of a credit line (domain.md §4.1). */
export interface CreditLineFigures {
  limit: Fen;
  held: Fen;
  outstanding: Fen;
}

/** available = limit − held − outstanding (domain.md §4.1); never reported below zero. */
export function availableOf(line: CreditLineFigures): Fen {
  return Math.max(0, line.limit - line.held - line.outstanding);
}

export type HoldDecision = { granted: true; availableAfter: Fen } | { granted: false; reason: 'INSUFFICIENT_AVAILABLE_LIMIT'; available: Fen };

/**
 * A credit order holds its payable amount on the line, or is declined when the available
 * limit is short (domain.md §4.2). The database applies the same condition atomically, so
 * two orders racing for the last of a line can never both be granted.
 */
export function decideHold(line: CreditLineFigures, amount: Fen): HoldDecision {
  assertFen(amount, 'hold amount');
  if (amount <= 0) throw new Error('a hold must be positive');
  const available = availableOf(line);
  return amount <= available ? { granted: true, availableAfter: available - amount } : { granted: false, reason: 'INSUFFICIENT_AVAILABLE_LIMIT', available };
}

/** Statement day 1-28 and due offset (domain.md §4.1 Decision: statement day + 10 days). */
export interface BillingCycle {
  statementDay: number;
  dueOffsetDays: number;
}

export const DEFAULT_BILLING_CYCLE: BillingCycle = { statementDay: 1, dueOffsetDays: 10 };

export function billingCycleProblem(cycle: BillingCycle): string | undefined {
  if (!Number.isInteger(cycle.statementDay) || cycle.statementDay < 1 || cycle.statementDay > 28) return 'statementDay must be 1-28';
  if (!Number.isInteger(cycle.dueOffsetDays) || cycle.dueOffsetDays < 1 || cycle.dueOffsetDays > 27) return 'dueOffsetDays must be 1-27';
  return undefined;
}

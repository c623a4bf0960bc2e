import { ENTRY_SIDES, LEDGER_ACCOUNTS, PERIOD_STATUSES, POSTING_KINDS, REFUND_ALLOCATION_RULES, REPAYMENT_STATUSES } from '@orderline/credit-billing/contract';
import { EntrySide, LedgerAccount, PeriodStatus, PostingKind, RefundAllocationRule } from '@orderline/credit-billing/domain';
import { RepaymentStatus } from '../infra/repayment-store';

/**
 * The response schemas list the domain's codes as arrays (the contract may not import the
 * domain): this file fails to compile when a list and its domain union differ, so the
 * document's enums stay the values the code produces.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Codes<T extends readonly unknown[]> = T[number];

export const CREDIT_VIEW_CODES_MATCH_THE_DOMAIN: [
  Same<Codes<typeof PERIOD_STATUSES>, PeriodStatus>,
  Same<Codes<typeof REPAYMENT_STATUSES>, RepaymentStatus>,
  Same<Codes<typeof REFUND_ALLOCATION_RULES>, RefundAllocationRule>,
  Same<Codes<typeof POSTING_KINDS>, PostingKind>,
  Same<Codes<typeof LEDGER_ACCOUNTS>, LedgerAccount>,
  Same<Codes<typeof ENTRY_SIDES>, EntrySide>,
] = [true, true, true, true, true, true];

import { ENTRY_SIDES, LEDGER_ACCOUNTS, PERIOD_STATUSES, POSTING_KINDS, REFUND_ALLOCATION_RULES, REPAYMENT_STATUSES } from '@orderline/credit-billing/contract';
import { EntrySide, LedgerAccount, PeriodStatus, PostingKind, RefundAllocationRule } from '@orderline/credit-billing/domain';
import { RepaymentStatus } from '../infra/repayment-store';
import { LOAN_PERIOD_STATUSES, SameCodes } from '@orderline/shared/contracts';

// The response schemas' and events' code lists (contract arrays) equal the domain's unions: see SameCodes.
type Codes<T extends readonly unknown[]> = T[number];

export const CREDIT_VIEW_CODES_MATCH_THE_DOMAIN: [
  SameCodes<Codes<typeof PERIOD_STATUSES>, PeriodStatus>,
  SameCodes<Codes<typeof LOAN_PERIOD_STATUSES>, PeriodStatus>,
  SameCodes<Codes<typeof REPAYMENT_STATUSES>, RepaymentStatus>,
  SameCodes<Codes<typeof REFUND_ALLOCATION_RULES>, RefundAllocationRule>,
  SameCodes<Codes<typeof POSTING_KINDS>, PostingKind>,
  SameCodes<Codes<typeof LEDGER_ACCOUNTS>, LedgerAccount>,
  SameCodes<Codes<typeof ENTRY_SIDES>, EntrySide>,
] = [true, true, true, true, true, true, true];

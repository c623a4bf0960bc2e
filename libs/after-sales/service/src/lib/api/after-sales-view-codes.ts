import { AFTER_SALES_COMMANDS, AFTER_SALES_ORDER_STATUSES, AFTER_SALES_STATUS_NAMES } from '@orderline/after-sales/contract';
import { AfterSalesCommand, AfterSalesStatus, AfterSalesType, OrderFactsForAfterSales } from '@orderline/after-sales/domain';
import { AFTER_SALES_REQUEST_TYPES, SameCodes } from '@orderline/shared/contracts';

// The response schemas' code lists (contract arrays) equal the domain's unions: see SameCodes.
export const AFTER_SALES_VIEW_CODES_MATCH_THE_DOMAIN: [
  SameCodes<(typeof AFTER_SALES_STATUS_NAMES)[number], AfterSalesStatus>,
  SameCodes<(typeof AFTER_SALES_REQUEST_TYPES)[number], AfterSalesType>,
  // The history's first entry is the application itself.
  SameCodes<(typeof AFTER_SALES_COMMANDS)[number], AfterSalesCommand | 'APPLY'>,
  SameCodes<(typeof AFTER_SALES_ORDER_STATUSES)[number], OrderFactsForAfterSales['status']>,
] = [true, true, true, true];

import { FULFILMENT_KINDS, ORDER_KINDS } from '@orderline/order/contract';
import { CarrierKind, OrderKind } from '@orderline/order/domain';
import { SameCodes } from '@orderline/shared/contracts';

// The response schemas' code lists (contract arrays) equal the domain's unions: see SameCodes.
export const ORDER_VIEW_CODES_MATCH_THE_DOMAIN: [SameCodes<(typeof ORDER_KINDS)[number], OrderKind>, SameCodes<(typeof FULFILMENT_KINDS)[number], CarrierKind>] = [true, true];

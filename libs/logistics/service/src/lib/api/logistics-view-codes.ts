import { AUTO_CONFIRM_CASE_CODES, SERVICE_PRODUCT_CODES, SHIPMENT_REGIONS } from '@orderline/logistics/contract';
import { AutoConfirmCase, ServiceProduct, ShipmentRegion } from '@orderline/logistics/domain';
import { SameCodes } from '@orderline/shared/contracts';

// The response schemas' code lists (contract arrays) equal the domain's unions: see SameCodes.
export const LOGISTICS_VIEW_CODES_MATCH_THE_DOMAIN: [
  SameCodes<(typeof SERVICE_PRODUCT_CODES)[number], ServiceProduct>,
  SameCodes<(typeof AUTO_CONFIRM_CASE_CODES)[number], AutoConfirmCase>,
  SameCodes<(typeof SHIPMENT_REGIONS)[number], ShipmentRegion>,
] = [true, true, true];

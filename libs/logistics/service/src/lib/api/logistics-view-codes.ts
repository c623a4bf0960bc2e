import { AUTO_CONFIRM_CASE_CODES, SERVICE_PRODUCT_CODES, SHIPMENT_REGIONS } from '@orderline/logistics/contract';
import { AutoConfirmCase, ServiceProduct, ShipmentRegion } from '@orderline/logistics/domain';

/**
 * The response schemas list the domain's codes as arrays (the contract may not import the
 * domain): this file fails to compile when a list and its domain union differ.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const LOGISTICS_VIEW_CODES_MATCH_THE_DOMAIN: [
  Same<(typeof SERVICE_PRODUCT_CODES)[number], ServiceProduct>,
  Same<(typeof AUTO_CONFIRM_CASE_CODES)[number], AutoConfirmCase>,
  Same<(typeof SHIPMENT_REGIONS)[number], ShipmentRegion>,
] = [true, true, true];

import { Address, ADDRESS_LEVELS, AddressLevel, CarrierKind, Consignee, Fulfilment, lastAddressLevel, SpecialAttributes } from './order-attributes';
import { PaymentMethod } from '@orderline/shared/platform-rules';
import { normaliseAddress, normalisePhone, normaliseText } from './consignee-comparison';
import { OrderStatus } from './order-status';
import { Veto } from '@orderline/shared/process';

/**
 * Changing the consignee (修改收货信息, domain.md §1.6).
 *
 * Decisions where the spec is silent:
 * - "before outbound" = UNPAID, WAITING_OUTBOUND, PAUSED; "after outbound" = SHIPPED;
 *   DELIVERED and COMPLETED are after delivery (refused); CANCELLED is refused.
 * - "may change levels L…4": a change may touch level L and anything below it, never a level
 *   above. "Only the last level" starts at the address's last level: 4 if the current address
 *   has a town, else 3 (where setting a town under the county is then also allowed).
 * - Name and phone may change whenever the row allows any change (they do not move the
 *   parcel's route); the "nothing" row (third-party carrier after outbound) forbids them too.
 *   The special kinds lock the address only, as the spec says.
 * - A request equal to the current consignee (after normalisation) is allowed and changes
 *   nothing, so a retried request does not fail.
 */

export type OutboundStage = 'BEFORE_OUTBOUND' | 'AFTER_OUTBOUND';
/** The table's "condition" column. */
export type ConsigneeChangeCondition = 'ANY' | 'SPECIFIED_PLATFORM_DELIVERY_OR_COD' | 'NEITHER_SPECIFIED_NOR_COD';
export type AddressChangeExtent = 'ALL_LEVELS' | 'LAST_LEVEL' | 'NOTHING';

export interface ConsigneeChangeRule {
  carrier: CarrierKind;
  stage: OutboundStage;
  condition: ConsigneeChangeCondition;
  mayChange: AddressChangeExtent;
}

/** domain.md §1.6, row by row. */
export const CONSIGNEE_CHANGE_RULES: readonly ConsigneeChangeRule[] = [
  { carrier: 'JD_LOGISTICS', stage: 'BEFORE_OUTBOUND', condition: 'NEITHER_SPECIFIED_NOR_COD', mayChange: 'ALL_LEVELS' },
  { carrier: 'JD_LOGISTICS', stage: 'BEFORE_OUTBOUND', condition: 'SPECIFIED_PLATFORM_DELIVERY_OR_COD', mayChange: 'LAST_LEVEL' },
  { carrier: 'JD_LOGISTICS', stage: 'AFTER_OUTBOUND', condition: 'ANY', mayChange: 'LAST_LEVEL' },
  { carrier: 'THIRD_PARTY', stage: 'BEFORE_OUTBOUND', condition: 'ANY', mayChange: 'ALL_LEVELS' },
  // Decision (domain.md §1.6): the sources list no row, so nothing may change.
  { carrier: 'THIRD_PARTY', stage: 'AFTER_OUTBOUND', condition: 'ANY', mayChange: 'NOTHING' },
];

export interface ConsigneeChangeOrder {
  status: OrderStatus;
  paymentMethod: PaymentMethod;
  fulfilment: Fulfilment;
  attributes: SpecialAttributes;
}

/** The requested consignee; omitted parts stay as they are. */
export interface ConsigneeChangeRequest {
  name?: string;
  phone?: string;
  address?: Address;
}

/** What may change for this order now; `addressFromLevel` null means the address is locked. */
export interface ConsigneeChangeScope {
  name: boolean;
  phone: boolean;
  addressFromLevel: 1 | 3 | 4 | null;
  detail: boolean;
}

export interface ConsigneeChanges {
  name: boolean;
  phone: boolean;
  addressLevels: AddressLevel[];
  detail: boolean;
}

export type ConsigneeChangeDecision =
  | { allowed: true; consignee: Consignee; changes: ConsigneeChanges; changed: boolean; rebindVirtualNumber: boolean }
  | { allowed: false; veto: Veto; mayChange: ConsigneeChangeScope };

const NOTHING: ConsigneeChangeScope = { name: false, phone: false, addressFromLevel: null, detail: false };

// domain.md §1.6: these kinds can never change the address (customs declarations and
// reserved/presale logistics are fixed at order time).
const ADDRESS_LOCKED_KINDS: readonly { key: keyof SpecialAttributes; label: string }[] = [
  { key: 'crossBorder', label: 'cross-border' },
  { key: 'customsAuction', label: 'customs-auction' },
  { key: 'reservation', label: 'reservation' },
  { key: 'presale', label: 'presale' },
];

const BEFORE_OUTBOUND: readonly OrderStatus[] = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED'];

export function outboundStage(status: OrderStatus): OutboundStage | undefined {
  if (BEFORE_OUTBOUND.includes(status)) return 'BEFORE_OUTBOUND';
  if (status === 'SHIPPED') return 'AFTER_OUTBOUND';
  return undefined;
}

function conditionHolds(condition: ConsigneeChangeCondition, order: ConsigneeChangeOrder): boolean {
  const specifiedOrCod = order.fulfilment.buyerSpecifiedPlatformDelivery || order.paymentMethod === 'COD';
  if (condition === 'ANY') return true;
  return condition === 'SPECIFIED_PLATFORM_DELIVERY_OR_COD' ? specifiedOrCod : !specifiedOrCod;
}

/** The row of CONSIGNEE_CHANGE_RULES that applies at `stage`. */
export function consigneeChangeRule(order: ConsigneeChangeOrder, stage: OutboundStage, rules: readonly ConsigneeChangeRule[] = CONSIGNEE_CHANGE_RULES): ConsigneeChangeRule {
  const matching = rules.filter((rule) => rule.carrier === order.fulfilment.carrier && rule.stage === stage && conditionHolds(rule.condition, order));
  if (matching.length !== 1) throw new Error(`consignee change rules: ${matching.length} rows match ${order.fulfilment.carrier} ${stage}`);
  return matching[0];
}

/** What may change for this order in its current state, given its current address. */
export function consigneeChangeScope(order: ConsigneeChangeOrder, current: Address): ConsigneeChangeScope {
  const stage = outboundStage(order.status);
  if (!stage) return NOTHING;
  const extent = consigneeChangeRule(order, stage).mayChange;
  if (extent === 'NOTHING') return NOTHING;
  if (lockedKind(order)) return { name: true, phone: true, addressFromLevel: null, detail: false };
  return { name: true, phone: true, addressFromLevel: extent === 'ALL_LEVELS' ? 1 : lastAddressLevel(current), detail: true };
}

/** "levels 1-4 and the detail line", "only level 4 (town) and the detail line", … */
export function describeConsigneeChangeScope(scope: ConsigneeChangeScope): string {
  const parts: string[] = [];
  if (scope.name) parts.push('the name');
  if (scope.phone) parts.push('the phone');
  if (scope.addressFromLevel === 1) parts.push('address levels 1-4 (province, city, county, town)');
  if (scope.addressFromLevel === 3) parts.push('only address level 3 (county, and the town under it)');
  if (scope.addressFromLevel === 4) parts.push('only address level 4 (town)');
  if (scope.detail) parts.push('the detail line');
  if (parts.length === 0) return 'nothing may change';
  return `may change: ${parts.join(', ')}`;
}

function lockedKind(order: ConsigneeChangeOrder): string | undefined {
  return ADDRESS_LOCKED_KINDS.find((kind) => order.attributes[kind.key] !== undefined)?.label;
}

function diff(current: Consignee, requested: Consignee): ConsigneeChanges {
  const before = normaliseAddress(current.address);
  const after = normaliseAddress(requested.address);
  return {
    name: normaliseText(current.name) !== normaliseText(requested.name),
    phone: normalisePhone(current.phone) !== normalisePhone(requested.phone),
    addressLevels: ADDRESS_LEVELS.filter(({ field }) => before[field] !== after[field]).map(({ level }) => level),
    detail: before.detail !== after.detail,
  };
}

function invalidRequest(requested: Consignee): Veto | undefined {
  const { address } = requested;
  const blank = (['province', 'city', 'county', 'detail'] as const).filter((field) => normaliseText(address[field]) === '');
  if (blank.length > 0) return { code: 'INVALID_ADDRESS', reason: `the new address needs a ${blank.join(', ')}; province, city, county and detail are required, the town where the region has one` };
  if (normaliseText(requested.name) === '') return { code: 'INVALID_CONSIGNEE_NAME', reason: 'the consignee name cannot be empty' };
  if (normalisePhone(requested.phone).length < 7) return { code: 'INVALID_CONSIGNEE_PHONE', reason: 'the consignee phone needs at least 7 digits' };
  return undefined;
}

/**
 * Decides a consignee change. On success the caller stores `consignee` and, when
 * `rebindVirtualNumber`, re-binds the virtual number (domain.md §6.2).
 */
export function decideConsigneeChange(order: ConsigneeChangeOrder, current: Consignee, request: ConsigneeChangeRequest): ConsigneeChangeDecision {
  const scope = consigneeChangeScope(order, current.address);
  const refuse = (code: string, reason: string): ConsigneeChangeDecision => ({ allowed: false, veto: { code, reason: `${reason}; ${describeConsigneeChangeScope(scope)}` }, mayChange: scope });

  if (order.status === 'CANCELLED') return refuse('ORDER_CANCELLED', 'the order is cancelled');
  if (order.status === 'DELIVERED' || order.status === 'COMPLETED') {
    return refuse('CONSIGNEE_CHANGE_AFTER_DELIVERY', 'the consignee can be changed only before delivery and this order has been delivered');
  }
  const requested: Consignee = {
    name: request.name ?? current.name,
    phone: request.phone ?? current.phone,
    address: request.address ?? current.address,
  };
  const invalid = invalidRequest(requested);
  if (invalid) return { allowed: false, veto: invalid, mayChange: scope };

  const changes = diff(current, requested);
  const addressChanged = changes.addressLevels.length > 0 || changes.detail;
  const changed = addressChanged || changes.name || changes.phone;
  if (!changed) return { allowed: true, consignee: current, changes, changed: false, rebindVirtualNumber: false };

  const stage = outboundStage(order.status) as OutboundStage;
  const rule = consigneeChangeRule(order, stage);
  if (rule.mayChange === 'NOTHING') {
    return refuse('CONSIGNEE_LOCKED_AFTER_OUTBOUND', 'a parcel handed to a third-party carrier cannot be redirected, so nothing of the consignee can change after outbound');
  }
  const locked = lockedKind(order);
  if (addressChanged && locked) {
    return refuse('ADDRESS_LOCKED_FOR_ORDER_KIND', `the address of a ${locked} order can never change`);
  }
  const highestChanged = Math.min(...changes.addressLevels);
  if (scope.addressFromLevel !== null && changes.addressLevels.length > 0 && highestChanged < scope.addressFromLevel) {
    const why =
      stage === 'AFTER_OUTBOUND'
        ? 'the parcel has left the warehouse with the platform carrier'
        : 'the buyer specified platform delivery or pays cash on delivery, so the delivering station is fixed';
    return refuse('ADDRESS_LEVEL_NOT_CHANGEABLE', `address level ${highestChanged} cannot change because ${why}`);
  }
  return { allowed: true, consignee: requested, changes, changed: true, rebindVirtualNumber: changes.phone };
}

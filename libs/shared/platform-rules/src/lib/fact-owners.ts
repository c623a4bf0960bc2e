/**
 * Who may assert each fact about an order (issue 12 item 2): one table, read by the gateway at
 * the edge and again by the order service, so a caller who is not the fact's owner is refused
 * (403) before anything is loaded and once more where the fact is decided.
 *
 * Owners:
 * - BUYER: the buyer of the order.
 * - MERCHANT: an account of the order's merchant holding `permission` (a main account holds all).
 * - OPERATOR: a platform operator, through the named route.
 * - CARRIER: a carrier, through the signed webhook (`POST /carrier-events`).
 * - PLATFORM: the platform itself, from an event it consumed or its own timer; no caller may
 *   assert it at all.
 *
 * The table lives in the shared rules because the gateway may not import the order domain;
 * the order domain checks at compile time that every release trigger has a row here.
 */
export type FactOwner =
  | { owner: 'BUYER' }
  | { owner: 'MERCHANT'; permission: 'VIEW_ORDERS' | 'OPERATE_ORDERS' | 'SHIP' | 'AFTER_SALES'; carries?: readonly string[] }
  | { owner: 'OPERATOR'; via: string }
  | { owner: 'CARRIER'; via: string }
  | { owner: 'PLATFORM'; via: string };

/**
 * The release triggers of domain.md §1.5 and who asserts each one. A merchant-owned release
 * carries its data (`carries` names the request fields that must be present); it is stored and
 * shown on the order.
 */
export const PAUSE_RELEASE_OWNERS = {
  // §1.5 "automatically, when shipping is possible again (an operator/system event)".
  LOGISTICS_DISRUPTION_LIFTED: { owner: 'OPERATOR', via: 'POST /api/v1/operations/logistics-disruptions/lift' },
  RESERVED_TIME_REACHED: { owner: 'PLATFORM', via: "the order service's timer at the pause's releaseAt" },
  // §1.5 "the merchant may ask for early release with evidence that the buyer agreed".
  EARLY_RELEASE_REQUESTED: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS', carries: ['evidence'] },
  MAIN_ITEM_DELIVERED: { owner: 'PLATFORM', via: 'ShipmentDelivered of the main order (logistics.v1)' },
  // Decision: stock arriving at the shipping warehouse is a warehouse fact the platform records
  // (operator), not something the merchant declares to get an order out of the paused tab.
  STOCK_ARRIVED: { owner: 'OPERATOR', via: 'POST /api/v1/operations/stock-arrivals' },
  REAL_NAME_APPROVED: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS', carries: ['realNameCheck'] },
  CERTIFICATE_UPLOADED: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS', carries: ['certificate'] },
  BATCH_NUMBER_UPLOADED: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS', carries: ['batchNumber'] },
  GROUP_FORMED: { owner: 'OPERATOR', via: 'POST /api/v1/group-buys/{groupId}/formed' },
  SUBSCRIPTION_DATE_REACHED: { owner: 'PLATFORM', via: "the order service's timer at the period's production date" },
  FAIR_SHIPPING_DATE_REACHED: { owner: 'PLATFORM', via: "the order service's timer at the fair's shipping date" },
} as const satisfies Record<string, FactOwner>;

export type OwnedPauseReleaseTrigger = keyof typeof PAUSE_RELEASE_OWNERS;

/** State changes and facts of an order (domain.md §1.2-§1.7, §2) and who asserts each. */
export const ORDER_FACT_OWNERS = {
  PLACE: { owner: 'BUYER' },
  PAY: { owner: 'BUYER' },
  CANCEL: { owner: 'BUYER' },
  CONFIRM_RECEIPT: { owner: 'BUYER' },
  EXTEND_RECEIPT: { owner: 'BUYER' },
  OBJECT_TO_CANCELLATION: { owner: 'BUYER' },
  PAUSE: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS' },
  CHANGE_CONSIGNEE: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS' },
  CHANGE_FEES: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS' },
  ADD_REMARK: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS' },
  REPORT_LATE_SHIPPING: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS' },
  REDEEM_VOUCHER: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS' },
  SUBMIT_NEGOTIATED_CANCELLATION: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS' },
  WITHDRAW_NEGOTIATED_CANCELLATION: { owner: 'MERCHANT', permission: 'OPERATE_ORDERS' },
  SHIP: { owner: 'PLATFORM', via: 'ShipmentDispatched (logistics, after POST /merchant/shipments with the SHIP grant)' },
  DELIVER: { owner: 'PLATFORM', via: 'ShipmentDelivered (logistics, from the signed carrier webhook)' },
  COMPLETE: { owner: 'PLATFORM', via: 'delivery by the platform carrier, ReceiptAutoConfirmed, the buyer confirming receipt or COD reconciliation' },
  AUTO_CANCEL_NEGOTIATED: { owner: 'PLATFORM', via: "the order service's 48 h timer (domain.md §1.4)" },
  RECONCILE_COD: { owner: 'OPERATOR', via: 'POST /api/v1/orders/{id}/cod-reconciliation' },
  FLAG_RISK: { owner: 'OPERATOR', via: 'PUT /api/v1/orders/{id}/risk-flag' },
  FORM_GROUP: { owner: 'OPERATOR', via: 'POST /api/v1/group-buys/{groupId}/formed' },
  LIFT_LOGISTICS_DISRUPTION: { owner: 'OPERATOR', via: 'POST /api/v1/operations/logistics-disruptions/lift' },
  RECORD_STOCK_ARRIVAL: { owner: 'OPERATOR', via: 'POST /api/v1/operations/stock-arrivals' },
  // Compensation (赔付, docs/compensation.md): the platform pays first (先行赔付) on an operator's
  // word; the merchant records what it paid the buyer itself (商家直赔) with the after-sales grant.
  GRANT_ADVANCE_COMPENSATION: { owner: 'OPERATOR', via: 'POST /api/v1/orders/{id}/advance-compensations' },
  GRANT_DIRECT_COMPENSATION: { owner: 'MERCHANT', permission: 'AFTER_SALES' },
  GRANT_LATE_SHIPPING_COMPENSATION: { owner: 'PLATFORM', via: "the order service's shipping time-out rule (domain.md §1.8)" },
} as const satisfies Record<string, FactOwner>;

export type OrderFact = keyof typeof ORDER_FACT_OWNERS;

/** The parts of a caller the table needs (the gateway's and the services' principals fit). */
export interface FactAsserter {
  role: 'BUYER' | 'MERCHANT' | 'OPERATOR';
  accountKind?: 'MAIN' | 'SUB';
  permissions?: readonly string[];
}

export type OwnershipCheck = { allowed: true } | { allowed: false; code: 'NOT_THE_FACT_OWNER' | 'PERMISSION_REQUIRED'; reason: string; permission?: string };

function describe(owner: FactOwner): string {
  switch (owner.owner) {
    case 'BUYER':
      return 'the buyer of the order';
    case 'MERCHANT':
      return `the merchant (an account with ${owner.permission})`;
    case 'OPERATOR':
      return `an operator (${owner.via})`;
    case 'CARRIER':
      return `the carrier (${owner.via})`;
    case 'PLATFORM':
      return `the platform itself, from ${owner.via}`;
  }
}

/** Whether `caller` may assert a fact owned by `owner`; the refusal names the owner. */
export function checkFactOwner(fact: string, owner: FactOwner, caller: FactAsserter): OwnershipCheck {
  const refuse = (): OwnershipCheck => ({ allowed: false, code: 'NOT_THE_FACT_OWNER', reason: `${fact} is asserted only by ${describe(owner)}` });
  switch (owner.owner) {
    case 'BUYER':
      return caller.role === 'BUYER' ? { allowed: true } : refuse();
    case 'OPERATOR':
      return caller.role === 'OPERATOR' ? { allowed: true } : refuse();
    case 'MERCHANT':
      if (caller.role !== 'MERCHANT') return refuse();
      if (caller.accountKind !== 'MAIN' && !(caller.permissions ?? []).includes(owner.permission)) {
        return { allowed: false, code: 'PERMISSION_REQUIRED', reason: `${fact} needs the ${owner.permission} permission from the main account`, permission: owner.permission };
      }
      return { allowed: true };
    case 'CARRIER':
    case 'PLATFORM':
      return refuse();
  }
}

/** The owner of a release trigger, or undefined for a code that is no trigger. */
export function pauseReleaseOwner(trigger: string): FactOwner | undefined {
  return Object.prototype.hasOwnProperty.call(PAUSE_RELEASE_OWNERS, trigger) ? PAUSE_RELEASE_OWNERS[trigger as OwnedPauseReleaseTrigger] : undefined;
}

/** The release triggers a merchant may send to `POST /merchant/orders/{id}/resume`. */
export const MERCHANT_RELEASE_TRIGGERS = (Object.keys(PAUSE_RELEASE_OWNERS) as OwnedPauseReleaseTrigger[]).filter((trigger) => PAUSE_RELEASE_OWNERS[trigger].owner === 'MERCHANT');

/**
 * What a merchant's main account may grant its sub-accounts (domain.md §5, §6.3, §6.4).
 * The main account holds every permission.
 */
export const MERCHANT_PERMISSIONS = [
  'VIEW_ORDERS',
  'OPERATE_ORDERS',
  'SHIP',
  'AFTER_SALES',
  'EXPORT',
  'EXPORT_SENSITIVE',
  'REVEAL_CONSUMER_INFO',
  'LOOKUP_OTHER_CONTACTS',
  /** domain.md §1.1a: SKUs, prices, stock, freight rule and coupons. */
  'MANAGE_CATALOG',
] as const;
export type MerchantPermission = (typeof MERCHANT_PERMISSIONS)[number];

/** domain.md §5: "sensitive" can be granted to at most 3 sub-accounts. */
export const MAX_SENSITIVE_EXPORT_SUB_ACCOUNTS = 3;

export function sensitiveExportGrantProblem(otherHolders: number, granting: readonly MerchantPermission[]): string | undefined {
  if (granting.includes('EXPORT_SENSITIVE') && otherHolders >= MAX_SENSITIVE_EXPORT_SUB_ACCOUNTS) {
    return `at most ${MAX_SENSITIVE_EXPORT_SUB_ACCOUNTS} sub-accounts may hold EXPORT_SENSITIVE; revoke it from another sub-account first`;
  }
  if (granting.includes('EXPORT_SENSITIVE') && !granting.includes('EXPORT')) return 'EXPORT_SENSITIVE needs EXPORT as well';
  return undefined;
}

export function hasPermission(kind: 'MAIN' | 'SUB', granted: readonly string[], needed: MerchantPermission): boolean {
  return kind === 'MAIN' || granted.includes(needed);
}

/** Every permission a merchant account holds: all of them for the main account, the grants for a sub-account. */
export function heldPermissions(kind: 'MAIN' | 'SUB', granted: readonly string[]): MerchantPermission[] {
  return MERCHANT_PERMISSIONS.filter((permission) => hasPermission(kind, granted, permission));
}

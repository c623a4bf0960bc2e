import { Veto } from '@orderline/shared/process';

/**
 * Other contact numbers (domain.md §6.3): main and sub-accounts of one merchant together
 * look up at most `dailyLimit` distinct orders per platform day; the same order again
 * counts once.
 */
export function otherContactLookupVeto(alreadyLookedUpToday: ReadonlySet<string>, orderId: string, dailyLimit = 50): Veto | undefined {
  if (alreadyLookedUpToday.has(orderId) || alreadyLookedUpToday.size < dailyLimit) return undefined;
  return { code: 'OTHER_CONTACTS_DAILY_LIMIT', reason: `this merchant has looked up other contacts for ${dailyLimit} orders today, the daily limit; it resets at 00:00 platform time` };
}

export type VirtualNumberKind = 'ORDER' | 'AFTER_SALES';

export interface VirtualNumberOrderFacts {
  status: string;
  /** When the order completed, if it has. */
  completedAt?: Date;
}

export interface VirtualNumberValidity {
  /** null: valid until the order completes. */
  expiresAt: Date | null;
}

const DAY = 86_400_000;

/** Adds calendar months in UTC, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(instant: Date, months: number): Date {
  const result = new Date(instant.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/**
 * How long a virtual number binding is valid (domain.md §6.2): until the order completes;
 * after completion a new one can be had for up to 3 months, valid 2 days; an after-sales
 * number is valid 15 days (renewable). Cancelled orders get none.
 */
export function virtualNumberValidity(order: VirtualNumberOrderFacts, kind: VirtualNumberKind, now: Date): VirtualNumberValidity | Veto {
  if (order.status === 'CANCELLED') return { code: 'ORDER_CANCELLED', reason: 'a cancelled order has no consignee to contact' };
  if (kind === 'AFTER_SALES') return { expiresAt: new Date(now.getTime() + 15 * DAY) };
  if (order.status !== 'COMPLETED') return { expiresAt: null };
  const completedAt = order.completedAt ?? now;
  if (now.getTime() > addMonths(completedAt, 3).getTime()) {
    return { code: 'VIRTUAL_NUMBER_WINDOW_CLOSED', reason: 'virtual numbers can be obtained for up to 3 months after the order completed' };
  }
  return { expiresAt: new Date(now.getTime() + 2 * DAY) };
}

/**
 * Binding quota (domain.md §6.2): `dailyBindings` new bindings per merchant per platform
 * day; past that, an SMS-verified merchant may bind up to `extraAfterVerification` more.
 */
export function virtualNumberQuotaVeto(boundToday: number, verifiedForExtra: boolean, dailyBindings: number, extraAfterVerification = 30): Veto | undefined {
  if (boundToday < dailyBindings) return undefined;
  if (!verifiedForExtra) {
    return { code: 'VIRTUAL_NUMBER_LIMIT_REACHED', reason: `the daily limit of ${dailyBindings} bindings is reached; verify by SMS (purpose EXTRA_VIRTUAL_NUMBERS) to bind up to ${extraAfterVerification} more today` };
  }
  if (boundToday < dailyBindings + extraAfterVerification) return undefined;
  return { code: 'VIRTUAL_NUMBER_LIMIT_REACHED', reason: `the daily limit of ${dailyBindings} + ${extraAfterVerification} bindings is reached; it resets at 00:00 platform time` };
}

/**
 * Whether an order's current binding still serves (domain.md §1.6, §6.2): it was bound to the
 * consignee's present phone (a changed phone re-binds), and an "until completion" binding ends
 * when the order completes.
 */
export function virtualNumberBindingStillValid(binding: { consigneePhoneHash: string; expiresAt: Date | null }, consigneePhoneHash: string, orderStatus: string): boolean {
  return binding.consigneePhoneHash === consigneePhoneHash && !(binding.expiresAt === null && orderStatus === 'COMPLETED');
}

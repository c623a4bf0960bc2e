import { checkFactOwner, FactOwner, ORDER_FACT_OWNERS, OrderFact, pauseReleaseOwner } from '@orderline/shared/platform-rules';
import { DomainError, Principal } from '@orderline/shared/service-kit';

/**
 * The order service checks the owner table again (the gateway checked it at the edge), so a
 * caller reaching the service another way still cannot assert what it does not own (issue 12).
 */
export function assertFactOwner(fact: OrderFact, caller: Principal): void {
  assertOwner(fact, ORDER_FACT_OWNERS[fact], caller);
}

/** A merchant's release: the trigger must exist and be the merchant's to assert. */
export function assertReleaseOwner(trigger: string, caller: Principal): void {
  const owner = pauseReleaseOwner(trigger);
  if (!owner) throw new DomainError('UNKNOWN_RELEASE_TRIGGER', 422, `"${trigger}" is not a pause release trigger`);
  assertOwner(trigger, owner, caller);
}

function assertOwner(fact: string, owner: FactOwner, caller: Principal): void {
  const check = checkFactOwner(fact, owner, caller);
  if (!check.allowed) throw new DomainError(check.code, 403, check.reason, check.permission ? { permission: check.permission } : {});
}

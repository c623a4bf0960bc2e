import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { selectEntity } from '@orderline/shared/persistence';
import { AccountRecord } from '../infra/gateway.entity';

export interface AccountStanding {
  disabled: boolean;
  kind: 'MAIN' | 'SUB';
  permissions: string[];
}

/**
 * The current standing of an account (disabled, granted permissions), read on every
 * request so a change applies to tokens already issued. Cached for two seconds per instance.
 */
@Injectable()
export class AccountDirectory {
  private readonly cache = new Map<string, { standing: AccountStanding | null; until: number }>();
  private static readonly TTL_MS = 2_000;

  constructor(private readonly dataSource: DataSource) {}

  async standing(accountId: string): Promise<AccountStanding | null> {
    const cached = this.cache.get(accountId);
    if (cached && cached.until > Date.now()) return cached.standing;
    // selectEntity: the SQL built once, not a query builder per lookup (issue 19).
    const manager = this.dataSource.manager;
    const account = await selectEntity(manager, AccountRecord, 'id = $1', [accountId]);
    // Disabling a merchant's main account disables the merchant: its sub-accounts' sessions
    // and sign-ins are refused with it (issue 12 item 8).
    const mainDisabled =
      account?.role === 'MERCHANT' && account.kind === 'SUB' && account.merchantId
        ? ((await selectEntity(manager, AccountRecord, `merchant_id = $1 AND kind = 'MAIN'`, [account.merchantId]))?.disabled ?? false)
        : false;
    const standing = account ? { disabled: account.disabled || mainDisabled, kind: account.kind, permissions: account.permissions } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(accountId, { standing, until: Date.now() + AccountDirectory.TTL_MS });
    return standing;
  }

  forget(accountId: string): void {
    this.cache.delete(accountId);
  }

  forgetAll(): void {
    this.cache.clear();
  }
}

import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { CreditAccountView } from '@orderline/credit-billing/contract';
import { heldPermissions, parseBootstrapOperator, SlidingWindowCounter } from '@orderline/gateway/domain';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreateBuyerRequest, CreateMerchantRequest } from '../api/account.requests';
import { GatewayConfig } from '../gateway-config';
import { AccountRecord, BuyerRecord, MerchantRecord } from '../infra/gateway.entity';
import { hashPassword, needsRehash, scryptCost, ScryptCost, verifyPassword } from '../infra/password-hasher';
import { ServiceClient } from '../infra/service-client';
import { upsertOperator } from '../infra/operator-account';
import { merchantExists } from '../infra/merchant-account.repository';
import { AccountDirectory } from './account-directory';
import type { AccessTokenClaims } from '../api/access-tokens';
import type { CallerView } from '../api/gateway.views';

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error as unknown as { driverError?: { code?: string } }).driverError?.code === '23505';
}

/** Sign-in and the accounts behind it: operator bootstrap, merchants, buyers. */
/** Merchant ids remembered as existing; the set starts over when full. */
const KNOWN_MERCHANTS_KEPT = 10_000;

@Injectable()
export class Accounts implements OnApplicationBootstrap {
  // A hash to compare against when the user does not exist, so both paths cost the same.
  private dummyHash?: Promise<string>;
  private readonly loginAttempts: SlidingWindowCounter;
  private readonly hashCost: ScryptCost;
  private readonly knownMerchants = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly services: ServiceClient,
    private readonly directory: AccountDirectory,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {
    this.loginAttempts = new SlidingWindowCounter({ limit: config.LOGIN_ATTEMPTS_PER_MINUTE, windowMs: 60_000 });
    this.hashCost = scryptCost(config.PASSWORD_SCRYPT_LOG2N);
  }

  /** The operator of BOOTSTRAP_OPERATOR exists from start-up; its password follows the variable. */
  async onApplicationBootstrap(): Promise<void> {
    const { username, password } = parseBootstrapOperator(this.config.BOOTSTRAP_OPERATOR);
    await upsertOperator(this.dataSource, username, password, this.hashCost);
  }

  /**
   * The caller as the auth guard established it on this request (standing and grants read now,
   * not from the token), with the permissions it holds: one call tells a client which pages
   * to offer instead of one probe per page.
   */
  describeCaller(caller: Principal): CallerView {
    const merchantAccount = caller.role === 'MERCHANT' && caller.accountKind;
    return {
      accountId: caller.accountId,
      role: caller.role,
      ...(caller.merchantId ? { merchantId: caller.merchantId } : {}),
      ...(caller.buyerId ? { buyerId: caller.buyerId } : {}),
      ...(merchantAccount ? { accountKind: merchantAccount } : {}),
      permissions: merchantAccount ? heldPermissions(merchantAccount, caller.permissions ?? []) : [],
    };
  }

  async issueToken(username: string, password: string, clientAddress: string): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    // Counted per username and address, before the password is checked: guessing is slow.
    const attempt = this.loginAttempts.take(`${username.toLowerCase()}@${clientAddress}`, this.clock.now().getTime());
    if (!attempt.allowed) {
      throw new DomainError('TOO_MANY_LOGIN_ATTEMPTS', 429, `too many sign-in attempts; retry in ${attempt.retryAfterSeconds} s`, { retryAfterSeconds: attempt.retryAfterSeconds });
    }
    const account = await this.dataSource.getRepository(AccountRecord).findOneBy({ username });
    const valid = account ? await verifyPassword(password, account.passwordHash) : (await verifyPassword(password, await (this.dummyHash ??= hashPassword(randomUUID(), this.hashCost))), false);
    if (!account || !valid) throw new DomainError('INVALID_CREDENTIALS', 401, 'unknown username or wrong password');
    // Disabled itself, or a sub-account of a disabled main account (AccountDirectory.standing).
    if (account.disabled || (await this.directory.standing(account.id))?.disabled) throw new DomainError('ACCOUNT_DISABLED', 403, 'this account is disabled; contact operations');
    // A hash from weaker parameters (an older release, a lower cost) is replaced now that the
    // password is known; the row changes only if it still holds the hash just checked.
    if (needsRehash(account.passwordHash, this.hashCost)) {
      const upgraded = await hashPassword(password, this.hashCost);
      await this.dataSource.getRepository(AccountRecord).update({ id: account.id, passwordHash: account.passwordHash }, { passwordHash: upgraded });
    }
    const claims: AccessTokenClaims = { sub: account.id, role: account.role, merchantId: account.merchantId ?? undefined, buyerId: account.buyerId ?? undefined };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.JWT_TTL_SECONDS });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.JWT_TTL_SECONDS };
  }

  async createMerchant(request: CreateMerchantRequest): Promise<{ id: string; name: string; mainAccount: { id: string; username: string } }> {
    const merchantId = randomUUID();
    const accountId = randomUUID();
    const passwordHash = await hashPassword(request.mainAccount.password, this.hashCost);
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(MerchantRecord, { id: merchantId, name: request.name });
        await manager.insert(AccountRecord, { id: accountId, username: request.mainAccount.username, passwordHash, role: 'MERCHANT', kind: 'MAIN', permissions: [], merchantId, buyerId: null, phone: request.mainAccount.phone, disabled: false });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('USERNAME_TAKEN', 409, `the username ${request.mainAccount.username} is taken`);
      throw error;
    }
    return { id: merchantId, name: request.name, mainAccount: { id: accountId, username: request.mainAccount.username } };
  }

  /**
   * A buyer account with its credit line. The line is opened first (idempotent per buyer
   * id in credit-billing); if the account insert then fails, no one can use that line.
   */
  async createBuyer(request: CreateBuyerRequest, operatorAccountId: string): Promise<{ id: string; username: string; creditAccountId: string; creditLimit: number }> {
    const accounts = this.dataSource.getRepository(AccountRecord);
    if (await accounts.existsBy({ username: request.username })) throw new DomainError('USERNAME_TAKEN', 409, `the username ${request.username} is taken`);
    const buyerId = randomUUID();
    const passwordHash = await hashPassword(request.password, this.hashCost);
    const line = await this.services.call<CreditAccountView>('credit-billing', 'POST', '/credit-accounts', { accountId: operatorAccountId, role: 'OPERATOR' }, {
      buyerId,
      creditLimit: request.creditLimit,
      statementDay: request.statementDay,
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(BuyerRecord, { id: buyerId, name: request.name, phone: request.phone, creditAccountId: line.id });
        await manager.insert(AccountRecord, { id: randomUUID(), username: request.username, passwordHash, role: 'BUYER', merchantId: null, buyerId, phone: request.phone, disabled: false });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('USERNAME_TAKEN', 409, `the username ${request.username} is taken`);
      throw error;
    }
    return { id: buyerId, username: request.username, creditAccountId: line.id, creditLimit: line.limit };
  }

  /** Operators disable (or enable) any account; a disabled account is refused at once. */
  async setDisabled(accountId: string, disabled: boolean): Promise<{ id: string; disabled: boolean }> {
    const result = await this.dataSource.getRepository(AccountRecord).update({ id: accountId }, { disabled });
    if (!result.affected) throw new NotFoundError(`account ${accountId}`);
    // A main account's standing is also its sub-accounts' (AccountDirectory.standing): forget all.
    this.directory.forgetAll();
    return { id: accountId, disabled };
  }

  /**
   * Asked on every order placed. Merchants are never deleted, so a merchant found once is
   * remembered (bounded): a database round trip per order saved (issue 19).
   */
  async merchantExists(merchantId: string): Promise<boolean> {
    if (this.knownMerchants.has(merchantId)) return true;
    const exists = await merchantExists(this.dataSource.manager, merchantId);
    if (exists) {
      if (this.knownMerchants.size >= KNOWN_MERCHANTS_KEPT) this.knownMerchants.clear();
      this.knownMerchants.add(merchantId);
    }
    return exists;
  }
}

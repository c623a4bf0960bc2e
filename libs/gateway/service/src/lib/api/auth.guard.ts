import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AccountRole, FixedWindowCounter, hasPermission, MerchantPermission, ORDER_FACT_OWNERS, OrderFact } from '@orderline/gateway/domain';
import { Clock, DomainError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { AccountDirectory } from '../app/account-directory';
import { AccessTokens } from './access-tokens';
import { GatewayConfig } from '../gateway-config';

const PUBLIC = 'orderline:public';
const ROLES = 'orderline:roles';
const PERMISSION = 'orderline:permission';

/** The route needs no token (sign-in, health, docs). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only these roles may call the route; others get 403. */
export const Roles = (...roles: AccountRole[]) => SetMetadata(ROLES, roles);
const MAIN_ACCOUNT_ONLY = 'orderline:main-account-only';
/** Merchant routes only the main account may call (account administration, the reveal log). */
export const MainAccountOnly = () => SetMetadata(MAIN_ACCOUNT_ONLY, true);
/** Merchant routes: a sub-account needs this grant from its main account (403 without). */
export const RequirePermission = (permission: MerchantPermission) => SetMetadata(PERMISSION, permission);

/**
 * The route asserts `fact`: who may call it comes from the owner table (issue 12), the same
 * table the order service checks again. Platform-owned facts have no route at all.
 */
export const AssertsFact = (fact: OrderFact) => {
  const owner = ORDER_FACT_OWNERS[fact];
  switch (owner.owner) {
    case 'BUYER':
      return Roles('BUYER');
    case 'OPERATOR':
      return Roles('OPERATOR');
    case 'MERCHANT':
      return applyDecorators(Roles('MERCHANT'), RequirePermission(owner.permission));
    default:
      throw new Error(`${fact} is asserted by the platform itself; no route may assert it`);
  }
};

export const REVEALS_PERSONAL_DATA = 'orderline:reveals-personal-data';
/**
 * The handler is a logged reveal (domain.md §6.1): it checks the grant, writes the reveal log
 * and masks by itself when not revealing, so the gateway's masking leaves its answer alone.
 */
export const RevealsPersonalData = () => SetMetadata(REVEALS_PERSONAL_DATA, true);

export type AuthenticatedRequest = Request & { principal?: Principal };

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly perAccount: FixedWindowCounter;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    private readonly directory: AccountDirectory,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
  ) {
    this.perAccount = new FixedWindowCounter({ limit: config.RATE_LIMIT_ACCOUNT_PER_MINUTE, windowMs: 60_000 });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const authorization = request.header('authorization');
    if (!authorization) throw new DomainError('UNAUTHENTICATED', 401, 'a bearer access token is required (POST /api/v1/auth/token)');
    const claims = await this.tokens.claimsOf(authorization);
    if (!claims) throw new DomainError('INVALID_TOKEN', 401, 'the access token is invalid or has expired');
    const standing = await this.directory.standing(claims.sub);
    if (!standing) throw new DomainError('INVALID_TOKEN', 401, 'the account of this token no longer exists');
    if (standing.disabled) throw new DomainError('ACCOUNT_DISABLED', 403, 'this account is disabled; contact operations');

    const limited = this.perAccount.take(claims.sub, this.clock.now().getTime());
    if (!limited.allowed) {
      throw new DomainError('RATE_LIMITED', 429, `too many requests for this account; retry in ${limited.retryAfterSeconds} s`, { retryAfterSeconds: limited.retryAfterSeconds });
    }

    request.principal = { accountId: claims.sub, role: claims.role, merchantId: claims.merchantId, buyerId: claims.buyerId, accountKind: standing.kind, permissions: standing.permissions };
    const roles = this.reflector.getAllAndOverride<AccountRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(claims.role)) throw new DomainError('FORBIDDEN', 403, `this operation is for ${roles.join(' or ').toLowerCase()} accounts`);
    // Decided before the body is validated, so a sub-account learns nothing from a 400.
    if (claims.role === 'MERCHANT' && standing.kind !== 'MAIN' && this.reflector.getAllAndOverride<boolean>(MAIN_ACCOUNT_ONLY, targets)) {
      throw new DomainError('MAIN_ACCOUNT_REQUIRED', 403, 'only the main account manages sub-accounts and sees the reveal log');
    }
    const permission = this.reflector.getAllAndOverride<MerchantPermission | undefined>(PERMISSION, targets);
    if (permission && claims.role === 'MERCHANT' && !hasPermission(standing.kind, standing.permissions, permission)) {
      throw new DomainError('PERMISSION_REQUIRED', 403, `this sub-account needs the ${permission} permission from its main account`, { permission });
    }
    return true;
  }
}

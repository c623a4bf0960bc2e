import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import type { AccountRole } from '@orderline/gateway/domain';
import { DomainError, Principal } from '@orderline/shared/service-kit';

const PUBLIC = 'orderline:public';
const ROLES = 'orderline:roles';

/** The route needs no token (sign-in, health, docs). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only these roles may call the route; others get 403. */
export const Roles = (...roles: AccountRole[]) => SetMetadata(ROLES, roles);

export interface AccessTokenClaims {
  sub: string;
  role: AccountRole;
  merchantId?: string;
  buyerId?: string;
}

export type AuthenticatedRequest = Request & { principal?: Principal };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.header('authorization') ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new DomainError('UNAUTHENTICATED', 401, 'a bearer access token is required (POST /api/v1/auth/token)');
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      throw new DomainError('INVALID_TOKEN', 401, 'the access token is invalid or has expired');
    }
    request.principal = { accountId: claims.sub, role: claims.role, merchantId: claims.merchantId, buyerId: claims.buyerId };
    const roles = this.reflector.getAllAndOverride<AccountRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(claims.role)) throw new DomainError('FORBIDDEN', 403, `this operation is for ${roles.join(' or ').toLowerCase()} accounts`);
    return true;
  }
}

import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from './problem';

/** Who is calling, as established by the gateway from the bearer token. */
export interface Principal {
  accountId: string;
  role: 'OPERATOR' | 'MERCHANT' | 'BUYER';
  merchantId?: string;
  buyerId?: string;
  /** Merchant accounts: the main account or a sub-account with `permissions`. */
  accountKind?: 'MAIN' | 'SUB';
  permissions?: string[];
}

export const PRINCIPAL_HEADER = 'x-orderline-principal';

export function encodePrincipal(principal: Principal): string {
  return Buffer.from(JSON.stringify(principal), 'utf8').toString('base64url');
}

export function decodePrincipal(header: string | undefined): Principal | undefined {
  if (!header) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Principal;
    return typeof parsed.accountId === 'string' && ['OPERATOR', 'MERCHANT', 'BUYER'].includes(parsed.role) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Controller parameter: the caller the gateway vouched for; 401 when absent. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<Request>();
  const principal = decodePrincipal(request.header(PRINCIPAL_HEADER));
  if (!principal) throw new DomainError('UNAUTHENTICATED', 401, 'no caller identity on the request');
  return principal;
});

import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError, Principal } from '@orderline/shared/service-kit';
import type { AuthenticatedRequest } from './auth.guard';

/** The authenticated caller (set by AuthGuard). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new DomainError('UNAUTHENTICATED', 401, 'a bearer access token is required');
  return principal;
});

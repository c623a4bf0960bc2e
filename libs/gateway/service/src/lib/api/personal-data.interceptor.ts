import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';
import { maskPersonalData } from '@orderline/gateway/domain';
import { AuthenticatedRequest, REVEALS_PERSONAL_DATA } from './auth.guard';

/**
 * domain.md §6.1 on every read: whatever a merchant account receives has the consumer's name,
 * phone and address masked, unless the handler is the logged reveal. One interceptor for every
 * route, so a route added later is masked without anyone remembering to.
 */
@Injectable()
export class MerchantPrivacyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (request.principal?.role !== 'MERCHANT') return next.handle();
    if (this.reflector.get<boolean>(REVEALS_PERSONAL_DATA, context.getHandler())) return next.handle();
    return next.handle().pipe(map((body) => (Buffer.isBuffer(body) ? body : maskPersonalData(body))));
  }
}

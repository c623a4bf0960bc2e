import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreditAccountView } from '@orderline/credit-billing/contract';
import { Principal } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { Roles } from './auth.guard';
import { Caller } from './caller.decorator';

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit')
export class CreditController {
  constructor(private readonly services: ServiceClient) {}

  /** The buyer's own line: limit, held, outstanding, available, balance (fen). */
  @Roles('BUYER')
  @Get('account')
  account(@Caller() caller: Principal): Promise<CreditAccountView> {
    return this.services.call<CreditAccountView>('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}`, caller);
  }
}

import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CreditAccountView, OpenCreditAccountRequest } from '@orderline/credit-billing/contract';
import { CurrentPrincipal, DomainError, Principal } from '@orderline/shared/service-kit';
import { CreditAccounts } from '../app/credit-accounts';

/** Credit-billing's internal API; reached through the gateway. */
@Controller('credit-accounts')
export class CreditAccountsController {
  constructor(private readonly accounts: CreditAccounts) {}

  @Post()
  open(@Body() request: OpenCreditAccountRequest, @CurrentPrincipal() caller: Principal): Promise<CreditAccountView> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators open credit lines');
    return this.accounts.open(request);
  }

  @Get('by-buyer/:buyerId')
  forBuyer(@Param('buyerId', new ParseUUIDPipe()) buyerId: string, @CurrentPrincipal() caller: Principal): Promise<CreditAccountView> {
    return this.accounts.forBuyer(buyerId, caller);
  }
}

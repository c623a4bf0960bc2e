import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Principal } from '@orderline/shared/service-kit';
import { Accounts } from '../app/accounts';
import { CreateBuyerRequest, CreateMerchantRequest, TokenRequest } from './account.requests';
import { Public, Roles } from './auth.guard';
import { Caller } from './caller.decorator';

@ApiTags('auth & accounts')
@Controller()
export class AccountsController {
  constructor(private readonly accounts: Accounts) {}

  @Public()
  @Post('auth/token')
  @HttpCode(200)
  token(@Body() request: TokenRequest) {
    return this.accounts.issueToken(request.username, request.password);
  }

  @ApiBearerAuth()
  @Roles('OPERATOR')
  @Post('merchants')
  createMerchant(@Body() request: CreateMerchantRequest) {
    return this.accounts.createMerchant(request);
  }

  @ApiBearerAuth()
  @Roles('OPERATOR')
  @Post('buyers')
  createBuyer(@Body() request: CreateBuyerRequest, @Caller() caller: Principal) {
    return this.accounts.createBuyer(request, caller.accountId);
  }
}

import { Body, Controller, Get, HttpCode, Ip, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Principal } from '@orderline/shared/service-kit';
import { Accounts } from '../app/accounts';
import { MerchantAccounts } from '../app/merchant-accounts';
import { AccountStatusRequest, CreateBuyerRequest, PageLimitQuery, CreateMerchantRequest, CreateSubAccountRequest, SetPermissionsRequest, TokenRequest } from './account.requests';
import { ApiExample, EXAMPLES } from './response-examples';
import { Public, MainAccountOnly, Roles } from './auth.guard';
import { Caller } from './caller.decorator';

@ApiTags('auth & accounts')
@Controller()
export class AccountsController {
  constructor(
    private readonly accounts: Accounts,
    private readonly merchantAccounts: MerchantAccounts,
  ) {}

  @Public()
  @ApiExample(200, 'an access token', EXAMPLES.token)
  @Post('auth/token')
  @HttpCode(200)
  token(@Body() request: TokenRequest, @Ip() clientAddress: string) {
    return this.accounts.issueToken(request.username, request.password, clientAddress);
  }

  @ApiBearerAuth()
  @Roles('OPERATOR')
  @ApiExample(201, 'the merchant and its main account', EXAMPLES.merchant)
  @Post('merchants')
  createMerchant(@Body() request: CreateMerchantRequest) {
    return this.accounts.createMerchant(request);
  }

  @ApiBearerAuth()
  @Roles('OPERATOR')
  @ApiExample(201, 'the buyer and its credit line', EXAMPLES.buyer)
  @Post('buyers')
  createBuyer(@Body() request: CreateBuyerRequest, @Caller() caller: Principal) {
    return this.accounts.createBuyer(request, caller.accountId);
  }

  @ApiBearerAuth()
  @Roles('OPERATOR')
  @Put('accounts/:id/status')
  setStatus(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: AccountStatusRequest) {
    return this.accounts.setDisabled(id, request.disabled);
  }

  @ApiBearerAuth()
  @Roles('MERCHANT')
  @MainAccountOnly()
  @Post('merchants/:id/sub-accounts')
  createSubAccount(@Param('id', new ParseUUIDPipe()) merchantId: string, @Body() request: CreateSubAccountRequest, @Caller() caller: Principal) {
    return this.merchantAccounts.createSubAccount(merchantId, request, caller);
  }

  @ApiBearerAuth()
  @Roles('MERCHANT')
  @MainAccountOnly()
  @Get('merchants/:id/sub-accounts')
  listSubAccounts(@Param('id', new ParseUUIDPipe()) merchantId: string, @Caller() caller: Principal) {
    return this.merchantAccounts.listSubAccounts(merchantId, caller);
  }

  @ApiBearerAuth()
  @Roles('MERCHANT')
  @MainAccountOnly()
  @Put('merchants/:id/sub-accounts/:sid/permissions')
  setPermissions(@Param('id', new ParseUUIDPipe()) merchantId: string, @Param('sid', new ParseUUIDPipe()) subAccountId: string, @Body() request: SetPermissionsRequest, @Caller() caller: Principal) {
    return this.merchantAccounts.setPermissions(merchantId, subAccountId, request.permissions, caller);
  }

  /** Who revealed which consumer data, and when (domain.md §6.1); main account only. */
  @ApiBearerAuth()
  @Roles('MERCHANT')
  @MainAccountOnly()
  @Get('merchants/:id/reveal-log')
  revealLog(@Param('id', new ParseUUIDPipe()) merchantId: string, @Query() query: PageLimitQuery, @Caller() caller: Principal) {
    return this.merchantAccounts.revealLog(merchantId, caller, Math.min(Number(query.limit ?? 100), 500));
  }
}

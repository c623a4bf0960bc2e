import { Body, Controller, Get, HttpCode, Ip, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Principal } from '@orderline/shared/service-kit';
import { Accounts } from '../app/accounts';
import { MerchantAccounts } from '../app/merchant-accounts';
import { AccountStatusRequest, CreateBuyerRequest, PageLimitQuery, CreateMerchantRequest, CreateSubAccountRequest, SetPermissionsRequest, TokenRequest } from './account.requests';
import { EXAMPLES } from './response-examples';
import { Public, MainAccountOnly, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { AccessTokenView, AccountStatusView, CallerView, BuyerCreatedView, MerchantCreatedView, RevealLogEntryView, SubAccountView } from './gateway.views';
import { Answers, Operation } from './api-operation';

@ApiTags('auth & accounts')
@Controller()
export class AccountsController {
  constructor(
    private readonly accounts: Accounts,
    private readonly merchantAccounts: MerchantAccounts,
  ) {}

  @Operation('issueAccessToken', 'Sign in and get an access token')
  @Public()
  @Answers(200, AccessTokenView, 'an access token', EXAMPLES.token)
  @Post('auth/token')
  @HttpCode(200)
  token(@Body() request: TokenRequest, @Ip() clientAddress: string): Promise<AccessTokenView> {
    return this.accounts.issueToken(request.username, request.password, clientAddress);
  }

  @Operation('describeCaller', 'Who the bearer of this token is and what it may do')
  @ApiBearerAuth()
  @Answers(200, CallerView, 'the account, its role and the permissions it holds', EXAMPLES.caller)
  @Get('auth/me')
  me(@Caller() caller: Principal): CallerView {
    return this.accounts.describeCaller(caller);
  }

  @Operation('createMerchant', 'Create a merchant with its main account')
  @ApiBearerAuth()
  @Roles('OPERATOR')
  @Answers(201, MerchantCreatedView, 'the merchant and its main account', EXAMPLES.merchant)
  @Post('merchants')
  createMerchant(@Body() request: CreateMerchantRequest): Promise<MerchantCreatedView> {
    return this.accounts.createMerchant(request);
  }

  @Operation('createBuyer', 'Create a buyer with a credit line')
  @ApiBearerAuth()
  @Roles('OPERATOR')
  @Answers(201, BuyerCreatedView, 'the buyer and its credit line', EXAMPLES.buyer)
  @Post('buyers')
  createBuyer(@Body() request: CreateBuyerRequest, @Caller() caller: Principal): Promise<BuyerCreatedView> {
    return this.accounts.createBuyer(request, caller.accountId);
  }

  @Operation('setAccountStatus', 'Enable or disable an account')
  @ApiBearerAuth()
  @Roles('OPERATOR')
  @Put('accounts/:id/status')
  @Answers(200, AccountStatusView, 'the account with its new status')
  setStatus(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: AccountStatusRequest): Promise<AccountStatusView> {
    return this.accounts.setDisabled(id, request.disabled);
  }

  @Operation('createSubAccount', 'Create a sub-account of the merchant')
  @ApiBearerAuth()
  @Roles('MERCHANT')
  @MainAccountOnly()
  @Post('merchants/:id/sub-accounts')
  @Answers(201, SubAccountView, 'the sub-account and its permissions')
  createSubAccount(@Param('id', new ParseUUIDPipe()) merchantId: string, @Body() request: CreateSubAccountRequest, @Caller() caller: Principal): Promise<SubAccountView> {
    return this.merchantAccounts.createSubAccount(merchantId, request, caller);
  }

  @Operation('listSubAccounts', 'List the merchant\'s sub-accounts')
  @ApiBearerAuth()
  @Roles('MERCHANT')
  @MainAccountOnly()
  @Get('merchants/:id/sub-accounts')
  @Answers(200, [SubAccountView], 'the sub-account and its permissions')
  listSubAccounts(@Param('id', new ParseUUIDPipe()) merchantId: string, @Caller() caller: Principal): Promise<SubAccountView[]> {
    return this.merchantAccounts.listSubAccounts(merchantId, caller);
  }

  @Operation('setSubAccountPermissions', 'Set a sub-account\'s permissions')
  @ApiBearerAuth()
  @Roles('MERCHANT')
  @MainAccountOnly()
  @Put('merchants/:id/sub-accounts/:sid/permissions')
  @Answers(200, SubAccountView, 'the sub-account and its permissions')
  setPermissions(@Param('id', new ParseUUIDPipe()) merchantId: string, @Param('sid', new ParseUUIDPipe()) subAccountId: string, @Body() request: SetPermissionsRequest, @Caller() caller: Principal): Promise<SubAccountView> {
    return this.merchantAccounts.setPermissions(merchantId, subAccountId, request.permissions, caller);
  }

  /** Who revealed which consumer data, and when (domain.md §6.1); main account only. */
  @Operation('listRevealLog', 'List who revealed which consumer data')
  @ApiBearerAuth()
  @Roles('MERCHANT')
  @MainAccountOnly()
  @Get('merchants/:id/reveal-log')
  @Answers(200, [RevealLogEntryView], 'reveals, newest first')
  revealLog(@Param('id', new ParseUUIDPipe()) merchantId: string, @Query() query: PageLimitQuery, @Caller() caller: Principal): Promise<RevealLogEntryView[]> {
    return this.merchantAccounts.revealLog(merchantId, caller, Math.min(Number(query.limit ?? 100), 500));
  }
}

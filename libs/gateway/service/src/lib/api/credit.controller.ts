import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CreditAccountView, CreditLimitRequest, CreditProductRequest, LoansQuery, RepaymentConfirmationRequest, RepaymentRequest } from '@orderline/credit-billing/contract';
import { Principal } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { ApiExample, EXAMPLES } from './response-examples';
import { Roles } from './auth.guard';
import { Caller } from './caller.decorator';

export class LedgerQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsUUID() accountId: string;
}

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit')
export class CreditController {
  constructor(private readonly services: ServiceClient) {}

  /** The buyer's own line: limit, held, outstanding, available, balance (fen). */
  @Roles('BUYER')
  @ApiExample(200, 'the credit line in fen', EXAMPLES.creditAccount)
  @Get('account')
  account(@Caller() caller: Principal): Promise<CreditAccountView> {
    return this.services.call<CreditAccountView>('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}`, caller);
  }

  /** Loans with their plans and periods (due date, principal, fee, paid, status), optionally of one order. */
  @Roles('BUYER')
  @ApiExample(200, 'loans with their periods', EXAMPLES.loans)
  @Get('loans')
  loans(@Query() query: LoansQuery, @Caller() caller: Principal) {
    return this.services.call('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}/loans${query.orderId ? `?orderId=${query.orderId}` : ''}`, caller);
  }

  @Roles('BUYER')
  @Get('statements')
  statements(@Caller() caller: Principal) {
    return this.services.call('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}/statements`, caller);
  }

  @Roles('BUYER')
  @Get('statements/:id')
  statement(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal) {
    return this.services.call('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}/statements/${id}`, caller);
  }

  /**
   * Repays through the payment port: INITIATED, then CREDITED once the provider confirms (the
   * default simulated provider confirms at once); oldest due first, late fee → fee → principal,
   * any excess becomes balance (domain.md §4.4). At most what is owed plus the overpayment cap.
   */
  @Roles('BUYER')
  @ApiExample(201, 'how the repayment was allocated', EXAMPLES.repayment)
  @Post('repayments')
  repay(@Body() request: RepaymentRequest, @Caller() caller: Principal) {
    return this.services.call('credit-billing', 'POST', `/credit-accounts/by-buyer/${caller.buyerId}/repayments`, caller, request);
  }

  /**
   * The payment provider's answer to a pending repayment: the repayment is credited only
   * once confirmed. Operators relay it for the simulated (SIMULATED_REPAYMENT_CONFIRMATION=
   * ON_CALLBACK) or a manual provider; a real provider's signed webhook reaches the same use case.
   */
  @Roles('OPERATOR')
  @ApiExample(201, 'the repayment after the provider answered', EXAMPLES.repayment)
  @Post('repayments/:id/confirmation')
  confirmRepayment(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RepaymentConfirmationRequest, @Caller() caller: Principal) {
    return this.services.call('credit-billing', 'POST', `/credit-accounts/repayments/${id}/confirmation`, caller, request);
  }

  /** Operator: the double-entry postings of a credit account (domain.md §4.6). */
  @Roles('OPERATOR')
  @Get('ledger')
  ledger(@Query() query: LedgerQuery, @Caller() caller: Principal) {
    return this.services.call('credit-billing', 'GET', `/credit-accounts/${query.accountId}/ledger`, caller);
  }

  @Roles('OPERATOR')
  @Put('accounts/:id/limit')
  setLimit(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CreditLimitRequest, @Caller() caller: Principal): Promise<CreditAccountView> {
    return this.services.call<CreditAccountView>('credit-billing', 'PUT', `/credit-accounts/${id}/limit`, caller, request);
  }

  /** Operator: the credit products (plans, fee rates, late fee, refund allocation rule). */
  @Roles('OPERATOR')
  @Get('products')
  products(@Caller() caller: Principal) {
    return this.services.call('credit-billing', 'GET', '/credit-products', caller);
  }

  /** Operator: creates or changes a product; existing loans keep the terms they were booked on. */
  @Roles('OPERATOR')
  @Put('products')
  saveProduct(@Body() request: CreditProductRequest, @Caller() caller: Principal) {
    return this.services.call('credit-billing', 'PUT', '/credit-products', caller, request);
  }
}

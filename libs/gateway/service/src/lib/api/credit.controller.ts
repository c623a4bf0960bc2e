import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CreditAccountView, CreditLimitRequest, CreditProductRequest, CreditProductView, LedgerPostingView, LoansQuery, LoanView, RepaymentConfirmationRequest, RepaymentRequest, RepaymentView, StatementSummaryView, StatementView } from '@orderline/credit-billing/contract';
import { Principal } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { EXAMPLES } from './response-examples';
import { Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { Answers, Operation } from './api-operation';

export class LedgerQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsUUID() accountId: string;
}

@ApiTags('credit')
@ApiBearerAuth()
@Controller('credit')
export class CreditController {
  constructor(private readonly services: ServiceClient) {}

  /** The buyer's own line: limit, held, outstanding, available, balance (fen). */
  @Operation('getCreditAccount', 'Get the buyer\'s credit line')
  @Roles('BUYER')
  @Answers(200, CreditAccountView, 'the credit line in fen', EXAMPLES.creditAccount)
  @Get('account')
  account(@Caller() caller: Principal): Promise<CreditAccountView> {
    return this.services.call<CreditAccountView>('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}`, caller);
  }

  /** Loans with their plans and periods (due date, principal, fee, paid, status), optionally of one order. */
  @Operation('listLoans', 'List the buyer\'s loans with their periods')
  @Roles('BUYER')
  @Answers(200, [LoanView], 'loans with their periods', EXAMPLES.loans)
  @Get('loans')
  loans(@Query() query: LoansQuery, @Caller() caller: Principal): Promise<LoanView[]> {
    return this.services.call('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}/loans${query.orderId ? `?orderId=${query.orderId}` : ''}`, caller);
  }

  @Operation('listStatements', 'List the buyer\'s statements')
  @Roles('BUYER')
  @Get('statements')
  @Answers(200, [StatementSummaryView], 'statements, newest first')
  statements(@Caller() caller: Principal): Promise<StatementSummaryView[]> {
    return this.services.call('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}/statements`, caller);
  }

  @Operation('getStatement', 'Get a statement')
  @Roles('BUYER')
  @Get('statements/:id')
  @Answers(200, StatementView, 'the statement document')
  statement(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<StatementView> {
    return this.services.call('credit-billing', 'GET', `/credit-accounts/by-buyer/${caller.buyerId}/statements/${id}`, caller);
  }

  /**
   * Repays through the payment port: INITIATED, then CREDITED once the provider confirms (the
   * default simulated provider confirms at once); oldest due first, late fee → fee → principal,
   * any excess becomes balance (domain.md §4.4). At most what is owed plus the overpayment cap.
   */
  @Operation('repayCredit', 'Repay credit')
  @Roles('BUYER')
  @Answers(201, RepaymentView, 'how the repayment was allocated', EXAMPLES.repayment)
  @Post('repayments')
  repay(@Body() request: RepaymentRequest, @Caller() caller: Principal): Promise<RepaymentView> {
    return this.services.call('credit-billing', 'POST', `/credit-accounts/by-buyer/${caller.buyerId}/repayments`, caller, request);
  }

  /**
   * The payment provider's answer to a pending repayment: the repayment is credited only
   * once confirmed. Operators relay it for the simulated (SIMULATED_REPAYMENT_CONFIRMATION=
   * ON_CALLBACK) or a manual provider; a real provider's signed webhook reaches the same use case.
   */
  @Operation('confirmRepayment', 'Relay the payment provider\'s answer to a repayment')
  @Roles('OPERATOR')
  @Answers(201, RepaymentView, 'the repayment after the provider answered', EXAMPLES.repayment)
  @Post('repayments/:id/confirmation')
  confirmRepayment(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RepaymentConfirmationRequest, @Caller() caller: Principal): Promise<RepaymentView> {
    return this.services.call('credit-billing', 'POST', `/credit-accounts/repayments/${id}/confirmation`, caller, request);
  }

  /** Operator: the double-entry postings of a credit account (domain.md §4.6). */
  @Operation('getCreditLedger', 'Get the postings of a credit account')
  @Roles('OPERATOR')
  @Get('ledger')
  @Answers(200, [LedgerPostingView], 'the postings in order')
  ledger(@Query() query: LedgerQuery, @Caller() caller: Principal): Promise<LedgerPostingView[]> {
    return this.services.call('credit-billing', 'GET', `/credit-accounts/${query.accountId}/ledger`, caller);
  }

  @Operation('setCreditLimit', 'Set a credit account\'s limit')
  @Roles('OPERATOR')
  @Put('accounts/:id/limit')
  @Answers(200, CreditAccountView, 'the credit line in fen')
  setLimit(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CreditLimitRequest, @Caller() caller: Principal): Promise<CreditAccountView> {
    return this.services.call<CreditAccountView>('credit-billing', 'PUT', `/credit-accounts/${id}/limit`, caller, request);
  }

  /** Operator: the credit products (plans, fee rates, late fee, refund allocation rule). */
  @Operation('listCreditProducts', 'List the credit products')
  @Roles('OPERATOR')
  @Get('products')
  @Answers(200, [CreditProductView], 'the credit product')
  products(@Caller() caller: Principal): Promise<CreditProductView[]> {
    return this.services.call('credit-billing', 'GET', '/credit-products', caller);
  }

  /** Operator: creates or changes a product; existing loans keep the terms they were booked on. */
  @Operation('saveCreditProduct', 'Create or change a credit product')
  @Roles('OPERATOR')
  @Put('products')
  @Answers(200, CreditProductView, 'the credit product')
  saveProduct(@Body() request: CreditProductRequest, @Caller() caller: Principal): Promise<CreditProductView> {
    return this.services.call('credit-billing', 'PUT', '/credit-products', caller, request);
  }
}

import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { CreditAccountView, CreditLimitRequest, CreditProductRequest, CreditProductView, LedgerPostingView, LoanView, LoansQuery, OpenCreditAccountRequest, RefundOffsetView, RepaymentConfirmationRequest, RepaymentRequest, RepaymentView, StatementSummaryView, StatementView } from '@orderline/credit-billing/contract';
import { CurrentPrincipal, DomainError, Principal } from '@orderline/shared/service-kit';
import { CreditAccounts } from '../app/credit-accounts';
import { CreditProducts } from '../app/credit-products';
import { CreditQueries } from '../app/credit-queries';
import { RefundOffsets } from '../app/refund-offsets';
import { Repayments } from '../app/repayments';

/** Credit-billing's internal API; reached through the gateway. */
@Controller('credit-accounts')
export class CreditAccountsController {
  constructor(
    private readonly accounts: CreditAccounts,
    private readonly queries: CreditQueries,
    private readonly repayments: Repayments,
    private readonly refundOffsets: RefundOffsets,
  ) {}

  @Post()
  open(@Body() request: OpenCreditAccountRequest, @CurrentPrincipal() caller: Principal): Promise<CreditAccountView> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators open credit lines');
    return this.accounts.open(request);
  }

  @Put(':id/limit')
  setLimit(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CreditLimitRequest, @CurrentPrincipal() caller: Principal): Promise<CreditAccountView> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators change limits');
    return this.accounts.setLimit(id, request.creditLimit);
  }

  @Get(':id/ledger')
  ledger(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<LedgerPostingView[]> {
    return this.queries.ledger(id, caller);
  }

  @Get('by-buyer/:buyerId')
  forBuyer(@Param('buyerId', new ParseUUIDPipe()) buyerId: string, @CurrentPrincipal() caller: Principal): Promise<CreditAccountView> {
    return this.accounts.forBuyer(buyerId, caller);
  }

  @Get('by-buyer/:buyerId/loans')
  loans(@Param('buyerId', new ParseUUIDPipe()) buyerId: string, @Query() query: LoansQuery, @CurrentPrincipal() caller: Principal): Promise<LoanView[]> {
    return this.queries.loans(buyerId, caller, query.orderId);
  }

  @Get('by-buyer/:buyerId/statements')
  statements(@Param('buyerId', new ParseUUIDPipe()) buyerId: string, @CurrentPrincipal() caller: Principal): Promise<StatementSummaryView[]> {
    return this.queries.statements(buyerId, caller);
  }

  @Get('by-buyer/:buyerId/statements/:id')
  statement(@Param('buyerId', new ParseUUIDPipe()) buyerId: string, @Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<StatementView> {
    return this.queries.statement(buyerId, id, caller);
  }

  @Post('by-buyer/:buyerId/repayments')
  repay(@Param('buyerId', new ParseUUIDPipe()) buyerId: string, @Body() request: RepaymentRequest, @CurrentPrincipal() caller: Principal): Promise<RepaymentView> {
    return this.repayments.repay(buyerId, caller, request);
  }

  /** Operators: try a refused refund offset again (issue 13 item 4). */
  @Post('refund-offsets/:refundId/retry')
  @HttpCode(200)
  retryRefundOffset(@Param('refundId', new ParseUUIDPipe()) refundId: string, @CurrentPrincipal() caller: Principal): Promise<RefundOffsetView> {
    return this.refundOffsets.retryRefused(refundId, caller);
  }

  @Post('repayments/:id/confirmation')
  confirmRepayment(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RepaymentConfirmationRequest, @CurrentPrincipal() caller: Principal): Promise<RepaymentView> {
    return this.repayments.confirm(id, caller, request);
  }
}

/** Operators manage credit products (configuration of plans, fees, refund rules). */
@Controller('credit-products')
export class CreditProductsController {
  constructor(private readonly products: CreditProducts) {}

  @Get()
  list(@CurrentPrincipal() caller: Principal): Promise<CreditProductView[]> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators manage credit products');
    return this.products.list();
  }

  @Put()
  save(@Body() request: CreditProductRequest, @CurrentPrincipal() caller: Principal): Promise<CreditProductView> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators manage credit products');
    return this.products.save(request);
  }
}

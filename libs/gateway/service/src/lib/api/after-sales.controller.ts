import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AfterSalesListQuery, AfterSalesPageView, AfterSalesRequestView, ApplyAfterSalesRequest, ConfirmReturnReceiptRequest, EscalateRefundSettlementRequest, RefundableQuery, RefundableView, RejectAfterSalesRequest, ReturnShipmentRequest } from '@orderline/after-sales/contract';
import { Principal } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { RefundOffsetView } from '@orderline/credit-billing/contract';
import { Answers, Operation } from './api-operation';

const ORDER_ID = '3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11';
const LINE_ID = 'c0ffee00-0000-4000-8000-000000000003';

/** OpenAPI examples of the after-sales answers. */
export const AFTER_SALES_EXAMPLES = {
  request: {
    id: '5a1e5a1e-0000-4000-8000-000000000010',
    orderId: ORDER_ID,
    merchantId: 'b5d6a1de-1e0a-4f7e-a0a5-97c9e2f3d4a1',
    buyerId: '7c2e4f10-5b6d-4c1e-8a9f-0d1e2f3a4b5c',
    type: 'RETURN_AND_REFUND',
    status: 'REFUNDED',
    reason: 'DEFECTIVE',
    description: 'The lid does not close.',
    evidence: ['img://evidence/lid-1.jpg'],
    lines: [{ lineId: LINE_ID, quantity: 1 }],
    reviewDeadline: '2026-11-25T08:00:00.000Z',
    review: { decision: 'APPROVED', by: 'MERCHANT', at: '2026-11-23T09:00:00.000Z' },
    returnShipment: { carrier: 'SF', waybillNo: 'SF1234567890', pickup: false, at: '2026-11-23T10:00:00.000Z' },
    returnTracking: [
      { status: 'PICKED_UP', occurredAt: '2026-11-23T12:00:00.000Z', location: '深圳南山' },
      { status: 'DELIVERED', occurredAt: '2026-11-24T09:00:00.000Z', location: '杭州西湖' },
    ],
    receipt: { condition: 'OK', at: '2026-11-24T10:00:00.000Z' },
    replacement: null,
    refund: {
      id: 'aefd0000-0000-4000-8000-000000000011',
      amount: 19900,
      status: 'COMPLETED',
      reason: 'RETURNED:DEFECTIVE',
      lines: [{ lineId: LINE_ID, quantity: 1, amount: 19900 }],
      grantedAt: '2026-11-24T10:00:00.000Z',
      completedAt: '2026-11-24T10:00:00.000Z',
      settlementStatus: 'SETTLED',
      settlements: [
        {
          method: 'CREDIT',
          amount: 19900,
          status: 'SETTLED',
          idempotencyKey: 'refund:aefd0000-0000-4000-8000-000000000011:CREDIT',
          provider: 'CREDIT_BILLING',
          reference: 'credit-offset:aefd0000-0000-4000-8000-000000000011',
          attempts: 1,
          settledAt: '2026-11-24T10:00:00.000Z',
          failureReason: null,
          lastError: null,
          failedAt: null,
          escalatedAt: null,
          escalationNote: null,
        },
      ],
    },
    history: [{ from: null, to: 'REQUESTED', command: 'APPLY', actor: 'buyer:7c2e4f10-5b6d-4c1e-8a9f-0d1e2f3a4b5c', at: '2026-11-23T08:30:00.000Z' }],
    createdAt: '2026-11-23T08:30:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
  },
  refundable: {
    orderId: ORDER_ID,
    status: 'SHIPPED',
    delivered: false,
    paymentMethod: 'CREDIT',
    paid: 59700,
    refunded: 0,
    lines: [{ lineId: LINE_ID, skuId: 'kettle', title: 'Kettle', quantity: 3, paid: 59700, gross: 59700, freightShare: 0, discountShare: 0, refundedQuantity: 0, returnableQuantity: 3 }],
  },
} as const;

const page = <T>(item: T) => ({ items: [item], nextCursor: null });

/** The buyer's side of after-sales (domain.md §3). */
@ApiTags('after-sales')
@ApiBearerAuth()
@Controller('after-sales')
export class AfterSalesController {
  constructor(private readonly services: ServiceClient) {}

  /** Applies for a return and refund, a refund only (goods never delivered) or an exchange of chosen lines of a shipped order. */
  @Operation('applyForAfterSales', 'Apply for a return, refund or exchange')
  @Roles('BUYER')
  @Answers(201, AfterSalesRequestView, 'the request, REQUESTED, with its review deadline', { ...AFTER_SALES_EXAMPLES.request, status: 'REQUESTED', review: null, returnShipment: null, returnTracking: [], receipt: null, refund: null })
  @Post()
  apply(@Body() request: ApplyAfterSalesRequest, @Caller() caller: Principal): Promise<AfterSalesRequestView> {
    return this.services.call('after-sales', 'POST', '/after-sales', caller, request);
  }

  /** The buyer's requests, newest first (filters: status, type, orderId; paginated). */
  @Operation('listAfterSalesRequests', 'List the buyer\'s after-sales requests')
  @Roles('BUYER')
  @Answers(200, AfterSalesPageView, 'a page of requests', page(AFTER_SALES_EXAMPLES.request))
  @Get()
  list(@Query() query: AfterSalesListQuery, @Caller() caller: Principal): Promise<AfterSalesPageView> {
    return this.services.call('after-sales', 'GET', `/after-sales${queryString(query)}`, caller);
  }

  /** What each shipped line cost the buyer (discounts and freight allocated), what is refunded and what may still be applied for. */
  @Operation('getRefundable', 'Get what each line of an order may still refund')
  @Roles('BUYER', 'MERCHANT', 'OPERATOR')
  @RequirePermission('AFTER_SALES')
  @Answers(200, RefundableView, 'paid, refunded and returnable per line', AFTER_SALES_EXAMPLES.refundable)
  @Get('refundable')
  refundable(@Query() query: RefundableQuery, @Caller() caller: Principal): Promise<RefundableView> {
    return this.services.call('after-sales', 'GET', `/after-sales/refundable?orderId=${query.orderId}`, caller);
  }

  @Operation('getAfterSalesRequest', 'Get an after-sales request')
  @Roles('BUYER', 'OPERATOR')
  @Answers(200, AfterSalesRequestView, 'the request with its refund and settlements', AFTER_SALES_EXAMPLES.request)
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<AfterSalesRequestView> {
    return this.services.call('after-sales', 'GET', `/after-sales/${id}`, caller);
  }

  /** The buyer ships the goods back: carrier + waybill, or `pickup: true` to book a platform-carrier pickup. */
  @Operation('shipReturn', 'Ship the goods back')
  @Roles('BUYER')
  @Answers(200, AfterSalesRequestView, 'the request, RETURN_IN_TRANSIT', { ...AFTER_SALES_EXAMPLES.request, status: 'RETURN_IN_TRANSIT', receipt: null, refund: null })
  @Post(':id/return-shipment')
  @HttpCode(200)
  returnShipment(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ReturnShipmentRequest, @Caller() caller: Principal): Promise<AfterSalesRequestView> {
    return this.services.call('after-sales', 'POST', `/after-sales/${id}/return-shipment`, caller, request);
  }
}

/** The merchant's side: review, receipt of returned goods. */
@ApiTags('after-sales')
@ApiBearerAuth()
@Controller('merchant/after-sales')
export class MerchantAfterSalesController {
  constructor(private readonly services: ServiceClient) {}

  @Operation('listMerchantAfterSalesRequests', 'List the merchant\'s after-sales requests')
  @Roles('MERCHANT')
  @RequirePermission('AFTER_SALES')
  @Answers(200, AfterSalesPageView, 'a page of requests', page(AFTER_SALES_EXAMPLES.request))
  @Get()
  list(@Query() query: AfterSalesListQuery, @Caller() caller: Principal): Promise<AfterSalesPageView> {
    return this.services.call('after-sales', 'GET', `/after-sales${queryString(query)}`, caller);
  }

  @Operation('getMerchantAfterSalesRequest', 'Get one of the merchant\'s after-sales requests')
  @Roles('MERCHANT')
  @RequirePermission('AFTER_SALES')
  @Answers(200, AfterSalesRequestView, 'the request with its refund and settlements', AFTER_SALES_EXAMPLES.request)
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<AfterSalesRequestView> {
    return this.services.call('after-sales', 'GET', `/after-sales/${id}`, caller);
  }

  /** Approves within the review deadline (a refund-only request is refunded at once). */
  @Operation('approveAfterSales', 'Approve an after-sales request')
  @Roles('MERCHANT')
  @RequirePermission('AFTER_SALES')
  @Answers(200, AfterSalesRequestView, 'the request, APPROVED', { ...AFTER_SALES_EXAMPLES.request, status: 'APPROVED', returnShipment: null, receipt: null, refund: null })
  @Post(':id/approve')
  @HttpCode(200)
  approve(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<AfterSalesRequestView> {
    return this.services.call('after-sales', 'POST', `/after-sales/${id}/approve`, caller, {});
  }

  @Operation('rejectAfterSales', 'Reject an after-sales request')
  @Roles('MERCHANT')
  @RequirePermission('AFTER_SALES')
  @Answers(200, AfterSalesRequestView, 'the request, REJECTED', { ...AFTER_SALES_EXAMPLES.request, status: 'REJECTED', review: { decision: 'REJECTED', by: 'MERCHANT', reason: 'Used beyond inspection', at: '2026-11-23T09:00:00.000Z' }, returnShipment: null, receipt: null, refund: null })
  @Post(':id/reject')
  @HttpCode(200)
  reject(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RejectAfterSalesRequest, @Caller() caller: Principal): Promise<AfterSalesRequestView> {
    return this.services.call('after-sales', 'POST', `/after-sales/${id}/reject`, caller, request);
  }

  /** The returned goods arrived: the refund is issued (or the replacement requested); `condition: PROBLEM` reports a problem instead. */
  @Operation('confirmReturnReceipt', 'Confirm the returned goods arrived')
  @Roles('MERCHANT')
  @RequirePermission('AFTER_SALES')
  @Answers(200, AfterSalesRequestView, 'the request with its refund', AFTER_SALES_EXAMPLES.request)
  @Post(':id/confirm-receipt')
  @HttpCode(200)
  confirmReceipt(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ConfirmReturnReceiptRequest, @Caller() caller: Principal): Promise<AfterSalesRequestView> {
    return this.services.call('after-sales', 'POST', `/after-sales/${id}/confirm-receipt`, caller, request);
  }
}

/**
 * Operators close the refund loop (issue 13 item 4): a credit refund whose offset
 * credit-billing refused shows `settlementStatus: FAILED` with the reason; it is retried at
 * credit-billing (the outcome reaches after-sales as an event) or escalated in after-sales.
 */
@ApiTags('after-sales')
@ApiBearerAuth()
@Controller('admin/refunds')
export class RefundSettlementsAdminController {
  constructor(private readonly services: ServiceClient) {}

  /** Tries a refused credit offset again; answers credit-billing's record of it (APPLIED, or REJECTED with the reason). */
  @Operation('retryCreditRefundOffset', 'Retry a refused credit refund offset')
  @Roles('OPERATOR')
  @Answers(200, RefundOffsetView, 'the offset as credit-billing has it now', { refundId: 'aefd0000-0000-4000-8000-000000000011', status: 'REJECTED', document: { reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL', refundable: 100 } })
  @Post(':refundId/credit-offset/retry')
  @HttpCode(200)
  retryCreditOffset(@Param('refundId', new ParseUUIDPipe()) refundId: string, @Caller() caller: Principal): Promise<RefundOffsetView> {
    return this.services.call('credit-billing', 'POST', `/credit-accounts/refund-offsets/${refundId}/retry`, caller, {});
  }

  /** Takes a FAILED credit settlement over by hand (ESCALATED, with a note buyer and merchant see as the state). */
  @Operation('escalateRefundSettlement', 'Take a failed refund settlement over by hand')
  @Roles('OPERATOR')
  @Answers(200, AfterSalesRequestView, 'the after-sales request with its escalated settlement', AFTER_SALES_EXAMPLES.request)
  @Post(':refundId/settlement/escalate')
  @HttpCode(200)
  escalate(@Param('refundId', new ParseUUIDPipe()) refundId: string, @Body() request: EscalateRefundSettlementRequest, @Caller() caller: Principal): Promise<AfterSalesRequestView> {
    return this.services.call('after-sales', 'POST', `/after-sales/refunds/${refundId}/settlement/escalate`, caller, request);
  }
}

function queryString(query: AfterSalesListQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** A documented success answer with an example body (OpenAPI). */
export function ApiExample(status: number, description: string, example: unknown) {
  return applyDecorators(ApiResponse({ status, description, content: { 'application/json': { example } } }));
}

const ORDER_ID = '3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11';
const MERCHANT_ID = 'b5d6a1de-1e0a-4f7e-a0a5-97c9e2f3d4a1';
const BUYER_ID = '7c2e4f10-5b6d-4c1e-8a9f-0d1e2f3a4b5c';

export const EXAMPLES = {
  token: { accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…', tokenType: 'Bearer', expiresIn: 3600 },
  merchant: { id: MERCHANT_ID, name: 'Kettle World', mainAccount: { id: 'a1b2c3d4-0000-4000-8000-000000000001', username: 'kettles' } },
  buyer: { id: BUYER_ID, username: 'li', creditAccountId: '9e8d7c6b-0000-4000-8000-000000000002', creditLimit: 500000 },
  order: {
    id: ORDER_ID,
    merchantId: MERCHANT_ID,
    buyerId: BUYER_ID,
    status: 'UNPAID',
    paymentMethod: 'CREDIT',
    credit: { plan: 'INSTALLMENT', periods: 6, holdId: null },
    goodsTotal: 59700,
    freight: 0,
    payable: 59700,
    cancellation: null,
    consignee: { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } },
    lines: [{ id: 'c0ffee00-0000-4000-8000-000000000003', skuId: 'kettle', title: 'Kettle', unitPrice: 19900, quantity: 3, lineTotal: 59700 }],
    history: [{ from: null, to: 'UNPAID', reason: 'PLACED', actor: `buyer:${BUYER_ID}`, at: '2026-11-23T08:00:00.000Z' }],
    pause: null,
    fulfilment: 'JD_LOGISTICS',
    remarks: [],
    buyerNote: 'please call before delivery',
    kinds: [],
    serviceFees: [],
    promisedShipBy: null,
    afterSales: [],
    refundedAmount: 0,
    refunds: [],
    codReconciliation: null,
    voucher: null,
    subscription: null,
    giftForOrderId: null,
    createdAt: '2026-11-23T08:00:00.000Z',
    updatedAt: '2026-11-23T08:00:00.000Z',
  },
  creditAccount: { id: '9e8d7c6b-0000-4000-8000-000000000002', buyerId: BUYER_ID, limit: 500000, held: 59700, outstanding: 0, available: 440300, balance: 0, statementDay: 1, dueOffsetDays: 10, activeHolds: 1 },
  loans: [
    {
      id: 'd15ea5e0-0000-4000-8000-000000000004',
      orderId: ORDER_ID,
      plan: 'INSTALLMENT',
      periodCount: 6,
      productCode: 'INSTALLMENT_STANDARD',
      bookedOn: '2026-11-23',
      principal: 59700,
      outstandingPrincipal: 59700,
      refundedPrincipal: 0,
      settled: false,
      periods: [{ index: 1, statementDate: '2026-12-01', dueDate: '2026-12-11', status: 'SCHEDULED', principal: 9950, fee: 299, lateFee: 0, paid: 0, credited: 0, owed: 10249 }],
    },
  ],
  repayment: { id: 'feed0000-0000-4000-8000-000000000005', status: 'CREDITED', amount: 10249, principalRepaid: 9950, feePaid: 299, lateFeePaid: 0, toBalance: 0, portions: [{ loanId: 'd15ea5e0-0000-4000-8000-000000000004', periodIndex: 1, principal: 9950, fee: 299, lateFee: 0 }], provider: 'SIMULATED', providerReference: 'sim-3f2a9c41d07b5e6a8c12', initiatedAt: '2026-12-02T02:00:00.000Z', receivedAt: '2026-12-02T02:00:00.000Z' },
  virtualNumber: { orderId: ORDER_ID, kind: 'ORDER', mainNumber: '17150000001', extension: '0427', validUntil: 'ORDER_COMPLETION', howToCall: 'dial 17150000001, then 0427#', howToText: 'send "#0427#your message" to 17150000001', reused: false },
  merchantOrderList: {
    items: [
      {
        id: ORDER_ID,
        status: 'WAITING_OUTBOUND',
        paymentMethod: 'CREDIT',
        goodsTotal: 59700,
        freight: 0,
        payable: 59700,
        buyerId: BUYER_ID,
        buyerNote: 'please call before delivery',
        pause: null,
        riskFlag: false,
        lateShippingReportedShipBy: null,
        consignee: { name: '李*', phone: '138****0000', address: { province: '广东省', city: '深圳市', county: '***', detail: '***' } },
        shippingDeadline: { state: 'NONE', deadline: '2026-11-25T08:00:00.000Z' },
        mergeGroup: '9b1f0c2a7d3e',
        kinds: [],
        bonded: null,
        lines: [{ skuId: 'kettle', title: 'Kettle', unitPrice: 19900, quantity: 3 }],
        refundedAmount: 0,
        afterSalesLinks: [],
        cancellation: null,
        cancellationRequestLink: null,
        createdAt: '2026-11-23T08:00:00.000Z',
      },
    ],
    counts: { UNPAID: 0, WAITING_OUTBOUND: 1, PAUSED: 0, SHIPPED: 0, DELIVERED: 0, COMPLETED: 0, CANCELLED: 0 },
    nextCursor: null,
  },
  batchResults: [{ orderId: ORDER_ID, result: 'ADDED' }, { orderId: 'aaaaaaaa-0000-4000-8000-000000000009', result: 'NOT_FOUND' }],
  lateShippingReports: [
    { orderId: ORDER_ID, result: 'REPORTED' },
    { orderId: 'aaaaaaaa-0000-4000-8000-000000000009', result: 'REFUSED', code: 'LATE_SHIPPING_ALREADY_REPORTED', reason: 'this order was reported already' },
  ],
  lineSnapshot: { orderId: ORDER_ID, lineId: 'c0ffee00-0000-4000-8000-000000000003', skuId: 'kettle', title: 'Kettle', unitPrice: 19900, quantity: 3, lineTotal: 59700, capturedAt: '2026-11-23T08:00:00.000Z' },
  riskFlag: { orderId: ORDER_ID, riskFlag: true, riskReason: 'address used by many accounts' },
  groupFormed: { groupId: 'group-42', orders: 3, released: 3 },
  cancellationRequest: {
    id: 'ca7ce11e-0000-4000-8000-000000000006',
    orderId: ORDER_ID,
    status: 'PENDING',
    reason: 'BUYER_UNREACHABLE',
    objectionDeadline: '2026-11-25T08:00:00.000Z',
    smsSentTo: '138****0000',
  },
};

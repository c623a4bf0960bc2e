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
  repayment: { id: 'feed0000-0000-4000-8000-000000000005', amount: 10249, principalRepaid: 9950, feePaid: 299, lateFeePaid: 0, toBalance: 0, portions: [{ loanId: 'd15ea5e0-0000-4000-8000-000000000004', periodIndex: 1, principal: 9950, fee: 299, lateFee: 0 }], receivedAt: '2026-12-02T02:00:00.000Z' },
  virtualNumber: { orderId: ORDER_ID, kind: 'ORDER', mainNumber: '17150000001', extension: '0427', validUntil: 'ORDER_COMPLETION', howToCall: 'dial 17150000001, then 0427#', howToText: 'send "#0427#your message" to 17150000001', reused: false },
};

import { decideLateShippingReport, decideLateShippingReports, lateShipmentCoverage, LateShippingReportOrder } from './late-shipping-report';

const HOUR = 60 * 60 * 1000;
const promisedShipBy = new Date('2025-03-10T16:00:00Z');
const at = (offsetMs: number) => new Date(promisedShipBy.getTime() + offsetMs);
const order: LateShippingReportOrder = { orderId: 'o1', status: 'WAITING_OUTBOUND', promisedShipBy, alreadyReported: false };
const request = { reason: 'supplier delay', newShipBy: at(48 * HOUR) };

describe('late-shipping reports (domain.md §1.8)', () => {
  it('accepts a report made in advance', () => {
    expect(decideLateShippingReport(order, request, at(-HOUR))).toEqual({ allowed: true, report: { orderId: 'o1', reason: 'supplier delay', newShipBy: at(48 * HOUR), reportedAt: at(-HOUR) } });
    expect(decideLateShippingReport({ ...order, status: 'PAUSED' }, request, at(-1))).toMatchObject({ allowed: true });
  });

  it('refuses a report once the promised deadline has come', () => {
    expect(decideLateShippingReport(order, request, at(0))).toMatchObject({ allowed: false, veto: { code: 'LATE_SHIPPING_REPORT_TOO_LATE' } });
  });

  it.each(['UNPAID', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const)('refuses an order in %s', (status) => {
    expect(decideLateShippingReport({ ...order, status }, request, at(-HOUR))).toMatchObject({ allowed: false, veto: { code: 'LATE_SHIPPING_REPORT_NOT_WAITING' } });
  });

  it('refuses a second report, a new date not after the promise, and an empty reason', () => {
    expect(decideLateShippingReport({ ...order, alreadyReported: true }, request, at(-HOUR))).toMatchObject({ allowed: false, veto: { code: 'LATE_SHIPPING_ALREADY_REPORTED' } });
    expect(decideLateShippingReport(order, { ...request, newShipBy: promisedShipBy }, at(-HOUR))).toMatchObject({ allowed: false, veto: { code: 'LATE_SHIPPING_NEW_DATE_NOT_LATER' } });
    expect(decideLateShippingReport(order, { ...request, reason: ' ' }, at(-HOUR))).toMatchObject({ allowed: false, veto: { code: 'LATE_SHIPPING_REASON_REQUIRED' } });
  });

  it('decides a batch order by order, in the order given', () => {
    const known = new Map([order, { ...order, orderId: 'o2', status: 'SHIPPED' as const }, { ...order, orderId: 'o3' }, { ...order, orderId: 'o4', promisedShipBy: null }].map((o) => [o.orderId, o]));
    const result = decideLateShippingReports(['o1', 'o2', 'missing', 'o3', 'o1', 'o4', 'missing'], known, request, at(-HOUR));
    expect(result.map((r) => (!r.found ? 'NOT_FOUND' : r.decision.allowed ? 'REPORTED' : r.decision.veto.code))).toEqual([
      'REPORTED',
      'LATE_SHIPPING_REPORT_NOT_WAITING',
      'NOT_FOUND',
      'REPORTED',
      'LATE_SHIPPING_ALREADY_REPORTED',
      'LATE_SHIPPING_REPORT_NOT_WAITING',
      'NOT_FOUND',
    ]);
  });

  it('refuses an order that never became shippable before looking at its status', () => {
    expect(decideLateShippingReport({ ...order, status: 'CANCELLED', promisedShipBy: null }, request, at(-HOUR))).toEqual({
      allowed: false,
      veto: { code: 'LATE_SHIPPING_REPORT_NOT_WAITING', reason: 'the order has not become shippable yet' },
    });
  });

  it('covers a late shipment up to the reported date, inclusive', () => {
    const report = { orderId: 'o1', reason: 'r', newShipBy: at(48 * HOUR), reportedAt: at(-HOUR) };
    expect(lateShipmentCoverage(promisedShipBy, report, at(0))).toBe('ON_TIME');
    expect(lateShipmentCoverage(promisedShipBy, report, at(1))).toBe('COVERED_BY_REPORT');
    expect(lateShipmentCoverage(promisedShipBy, report, at(48 * HOUR))).toBe('COVERED_BY_REPORT');
    expect(lateShipmentCoverage(promisedShipBy, report, at(48 * HOUR + 1))).toBe('LATE');
    expect(lateShipmentCoverage(promisedShipBy, undefined, at(1))).toBe('LATE');
  });
});

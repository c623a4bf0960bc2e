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

  it('decides a batch order by order', () => {
    const result = decideLateShippingReports([order, { ...order, orderId: 'o2', status: 'SHIPPED' }, { ...order, orderId: 'o3' }, order], request, at(-HOUR));
    expect(result.accepted.map((r) => r.orderId)).toEqual(['o1', 'o3']);
    expect(result.refused).toEqual([
      { orderId: 'o2', veto: expect.objectContaining({ code: 'LATE_SHIPPING_REPORT_NOT_WAITING' }) },
      { orderId: 'o1', veto: expect.objectContaining({ code: 'LATE_SHIPPING_ALREADY_REPORTED' }) },
    ]);
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

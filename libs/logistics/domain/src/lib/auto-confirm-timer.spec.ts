import { AUTO_CONFIRM_TABLE, assertAutoConfirmTableIsConsistent, AutoConfirmTable } from './auto-confirm-table';
import { autoConfirmCase, autoConfirmView } from './auto-confirm-timer';
import { decideManualReceiptConfirmation } from './manual-receipt-confirmation';
import { decideReceiptExtension } from './receipt-extension';
import { ShipmentReceiptFacts } from './shipment-receipt-facts';

// "day N after X" = X + N × 24 h; "days a–b" = [X + (a − 1) × 24 h, X + b × 24 h) (platform-day.ts).
const DAY = 86_400_000;
const outboundAt = new Date('2025-03-01T02:00:00Z');
const plus = (from: Date, ms: number) => new Date(from.getTime() + ms);
const day = (from: Date, n: number) => plus(from, n * DAY);

function shipment(overrides: Partial<ShipmentReceiptFacts> = {}): ShipmentReceiptFacts {
  return { carrier: 'THIRD_PARTY', crossBorder: false, outboundAt, trackingEvents: [], ...overrides };
}

describe('auto-confirm of receipt (domain.md §2.4)', () => {
  it('classifies the four cases', () => {
    expect(autoConfirmCase(shipment({ carrier: 'JD_LOGISTICS', trackingEvents: [{ at: day(outboundAt, 1) }] }))).toBe('PLATFORM_CARRIER');
    expect(autoConfirmCase(shipment({ deliveredAt: day(outboundAt, 2) }))).toBe('THIRD_PARTY_DELIVERED');
    expect(autoConfirmCase(shipment())).toBe('THIRD_PARTY_NO_TRACKING');
    expect(autoConfirmCase(shipment({ trackingEvents: [{ at: day(outboundAt, 1) }] }))).toBe('THIRD_PARTY_TRACKING_WITHOUT_DELIVERY');
  });

  describe.each([false, true])('platform carrier, cross-border=%s: completes on delivery', (crossBorder) => {
    const delivered = day(outboundAt, 2);

    it('has no deadline before delivery and offers no extension', () => {
      const view = autoConfirmView(shipment({ carrier: 'JD_LOGISTICS', crossBorder, trackingEvents: [{ at: day(outboundAt, 1) }] }), day(outboundAt, 100));
      expect(view).toMatchObject({ case: 'PLATFORM_CARRIER', autoConfirmAt: null, confirmed: false, extension: { window: null, offeredNow: false } });
    });

    it('confirms at the delivery instant', () => {
      const facts = shipment({ carrier: 'JD_LOGISTICS', crossBorder, deliveredAt: delivered });
      expect(autoConfirmView(facts, plus(delivered, -1)).confirmed).toBe(false);
      expect(autoConfirmView(facts, delivered)).toMatchObject({ autoConfirmAt: delivered, confirmed: true, confirmedBy: 'AUTO' });
    });

    it('refuses an extension', () => {
      const facts = shipment({ carrier: 'JD_LOGISTICS', crossBorder, trackingEvents: [{ at: day(outboundAt, 1) }] });
      const decision = decideReceiptExtension(facts, day(outboundAt, 1));
      expect(decision).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_EXTENSION_NOT_OFFERED' } });
      expect(decision.allowed === false && decision.veto.reason).toMatch(/THIRD_PARTY_DELIVERED, THIRD_PARTY_TRACKING_WITHOUT_DELIVERY/);
    });
  });

  describe.each([false, true])('third party with a delivery event, cross-border=%s', (crossBorder) => {
    const delivered = day(outboundAt, 4);
    const facts = shipment({ crossBorder, trackingEvents: [{ at: day(outboundAt, 1) }, { at: delivered }], deliveredAt: delivered });

    it('auto-confirms 3 days after delivery', () => {
      expect(autoConfirmView(facts, plus(day(delivered, 3), -1))).toMatchObject({ autoConfirmAt: day(delivered, 3), confirmed: false });
      expect(autoConfirmView(facts, day(delivered, 3))).toMatchObject({ confirmed: true, confirmedBy: 'AUTO' });
    });

    it('offers the extension within those 3 days, from the delivery instant', () => {
      expect(autoConfirmView(facts, delivered).extension).toEqual({ window: { opensAt: delivered, closesAt: day(delivered, 3) }, offeredNow: true, used: false });
      expect(decideReceiptExtension(facts, delivered)).toMatchObject({ allowed: true, extendedAt: delivered });
      expect(decideReceiptExtension(facts, plus(day(delivered, 3), -1))).toMatchObject({ allowed: true });
      expect(autoConfirmView(facts, day(delivered, 3)).extension.offeredNow).toBe(false);
      expect(decideReceiptExtension(facts, day(delivered, 3))).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_ALREADY_CONFIRMED' } });
    });

    it('extends once by 5 days, 8 in total', () => {
      const decision = decideReceiptExtension(facts, day(delivered, 1));
      expect(decision.allowed && decision.autoConfirmAt).toEqual(day(delivered, 8));
      const extended = { ...facts, extendedAt: day(delivered, 1) };
      expect(autoConfirmView(extended, day(delivered, 1))).toMatchObject({ autoConfirmAt: day(delivered, 8), extension: { used: true, offeredNow: false } });
      expect(autoConfirmView(extended, plus(day(delivered, 8), -1)).confirmed).toBe(false);
      expect(autoConfirmView(extended, day(delivered, 8)).confirmed).toBe(true);
      expect(decideReceiptExtension(extended, day(delivered, 2))).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_EXTENSION_ALREADY_USED' } });
    });
  });

  describe.each([
    [false, 20],
    [true, 60],
  ])('third party without any tracking, cross-border=%s: auto-confirms %i days after outbound', (crossBorder, days) => {
    const facts = shipment({ crossBorder });

    it('confirms exactly then', () => {
      expect(autoConfirmView(facts, plus(day(outboundAt, days), -1))).toMatchObject({ case: 'THIRD_PARTY_NO_TRACKING', autoConfirmAt: day(outboundAt, days), confirmed: false });
      expect(autoConfirmView(facts, day(outboundAt, days)).confirmed).toBe(true);
    });

    it('never offers an extension', () => {
      for (const n of [0, 1, days - 3, days - 1]) {
        expect(autoConfirmView(facts, day(outboundAt, n)).extension).toEqual({ window: null, offeredNow: false, used: false });
        expect(decideReceiptExtension(facts, day(outboundAt, n))).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_EXTENSION_NOT_OFFERED' } });
      }
    });
  });

  // Spec figures: confirm on day C, button on days A–B, extended to day E (= C + 5).
  describe.each([
    ['domestic', false, { confirmDay: 21, firstButtonDay: 18, lastButtonDay: 20, extendedDay: 26 }],
    ['cross-border', true, { confirmDay: 23, firstButtonDay: 21, lastButtonDay: 23, extendedDay: 28 }],
  ] as const)('third party with tracking but no delivery event, %s', (_label, crossBorder, fig) => {
    const lastEvent = day(outboundAt, 3);
    // Events arrive in any order: the latest one counts.
    const facts = shipment({ crossBorder, trackingEvents: [{ at: lastEvent }, { at: day(outboundAt, 1) }, { at: day(outboundAt, 2) }] });
    const opens = day(lastEvent, fig.firstButtonDay - 1);
    const closes = day(lastEvent, fig.lastButtonDay);

    it(`auto-confirms on day ${fig.confirmDay} after the last tracking event`, () => {
      expect(autoConfirmView(facts, plus(day(lastEvent, fig.confirmDay), -1))).toMatchObject({ anchorAt: lastEvent, autoConfirmAt: day(lastEvent, fig.confirmDay), confirmed: false });
      expect(autoConfirmView(facts, day(lastEvent, fig.confirmDay)).confirmed).toBe(true);
    });

    it(`offers the button on days ${fig.firstButtonDay}-${fig.lastButtonDay} only`, () => {
      expect(autoConfirmView(facts, opens).extension.window).toEqual({ opensAt: opens, closesAt: closes });
      expect(autoConfirmView(facts, plus(opens, -1)).extension.offeredNow).toBe(false);
      expect(decideReceiptExtension(facts, plus(opens, -1))).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_EXTENSION_WINDOW_NOT_OPEN' } });
      expect(autoConfirmView(facts, opens).extension.offeredNow).toBe(true);
      expect(decideReceiptExtension(facts, opens)).toMatchObject({ allowed: true });
      expect(autoConfirmView(facts, plus(closes, -1)).extension.offeredNow).toBe(true);
      expect(decideReceiptExtension(facts, plus(closes, -1))).toMatchObject({ allowed: true });
      expect(autoConfirmView(facts, closes).extension.offeredNow).toBe(false);
      const late = decideReceiptExtension(facts, closes);
      const expectedCode = fig.lastButtonDay === fig.confirmDay ? 'RECEIPT_ALREADY_CONFIRMED' : 'RECEIPT_EXTENSION_WINDOW_CLOSED';
      expect(late).toMatchObject({ allowed: false, veto: { code: expectedCode } });
    });

    it(`extends once, to day ${fig.extendedDay}`, () => {
      const decision = decideReceiptExtension(facts, opens);
      expect(decision).toEqual({ allowed: true, extendedAt: opens, autoConfirmAt: day(lastEvent, fig.extendedDay) });
      const extended = { ...facts, extendedAt: opens };
      expect(autoConfirmView(extended, day(lastEvent, fig.confirmDay))).toMatchObject({ autoConfirmAt: day(lastEvent, fig.extendedDay), confirmed: false, extension: { used: true, offeredNow: false } });
      expect(autoConfirmView(extended, plus(day(lastEvent, fig.extendedDay), -1)).confirmed).toBe(false);
      expect(autoConfirmView(extended, day(lastEvent, fig.extendedDay)).confirmed).toBe(true);
      expect(decideReceiptExtension(extended, plus(opens, DAY))).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_EXTENSION_ALREADY_USED' } });
    });

    it('restarts the count at a newer tracking event', () => {
      const newer = day(lastEvent, 10);
      const moved = { ...facts, trackingEvents: [...facts.trackingEvents, { at: newer }] };
      expect(autoConfirmView(moved, day(lastEvent, fig.confirmDay))).toMatchObject({ anchorAt: newer, autoConfirmAt: day(newer, fig.confirmDay), confirmed: false });
    });

    it('keeps a used extension when a delivery event arrives later (Decision)', () => {
      const delivered = plus(opens, DAY / 2);
      const extendedThenDelivered = { ...facts, extendedAt: opens, deliveredAt: delivered };
      const view = autoConfirmView(extendedThenDelivered, delivered);
      expect(view).toMatchObject({ case: 'THIRD_PARTY_DELIVERED', autoConfirmAt: day(delivered, 8), extension: { used: true, offeredNow: false } });
    });
  });

  describe('manual confirmation: any time after shipment', () => {
    it('is refused before outbound and allowed from the outbound instant', () => {
      expect(decideManualReceiptConfirmation(shipment(), plus(outboundAt, -1))).toMatchObject({ allowed: false, veto: { code: 'NOT_SHIPPED_YET' } });
      expect(decideManualReceiptConfirmation(shipment(), outboundAt)).toEqual({ allowed: true, confirmedAt: outboundAt });
    });

    it.each([
      ['platform carrier in transit', shipment({ carrier: 'JD_LOGISTICS', trackingEvents: [{ at: day(outboundAt, 1) }] }), day(outboundAt, 30)],
      ['third party, no tracking, last moment', shipment(), plus(day(outboundAt, 20), -1)],
      ['third party, tracking, inside the button window', shipment({ trackingEvents: [{ at: outboundAt }] }), day(outboundAt, 18)],
      ['third party, delivered', shipment({ deliveredAt: day(outboundAt, 2) }), day(outboundAt, 3)],
    ])('is allowed while not yet confirmed: %s', (_label, facts, now) => {
      expect(decideManualReceiptConfirmation(facts, now)).toEqual({ allowed: true, confirmedAt: now });
    });

    it('is refused once confirmed automatically or by the buyer', () => {
      expect(decideManualReceiptConfirmation(shipment(), day(outboundAt, 20))).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_ALREADY_CONFIRMED' } });
      const platform = decideManualReceiptConfirmation(shipment({ carrier: 'JD_LOGISTICS', deliveredAt: day(outboundAt, 2) }), day(outboundAt, 2));
      expect(platform.allowed === false && platform.veto.reason).toMatch(/completed on delivery/);
      const confirmed = shipment({ receiptConfirmedAt: day(outboundAt, 1) });
      expect(decideManualReceiptConfirmation(confirmed, day(outboundAt, 2))).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_ALREADY_CONFIRMED' } });
      expect(autoConfirmView(confirmed, day(outboundAt, 2))).toMatchObject({ confirmed: true, confirmedBy: 'BUYER' });
    });

    it('ends the extension offer', () => {
      const facts = shipment({ deliveredAt: day(outboundAt, 2), receiptConfirmedAt: day(outboundAt, 2) });
      expect(autoConfirmView(facts, day(outboundAt, 2)).extension.offeredNow).toBe(false);
      expect(decideReceiptExtension(facts, day(outboundAt, 2))).toMatchObject({ allowed: false, veto: { code: 'RECEIPT_ALREADY_CONFIRMED' } });
    });

    it('refuses an extension before outbound', () => {
      expect(decideReceiptExtension(shipment(), plus(outboundAt, -1))).toMatchObject({ allowed: false, veto: { code: 'NOT_SHIPPED_YET' } });
    });
  });

  describe('the table', () => {
    it('passes its start-up check', () => {
      expect(() => assertAutoConfirmTableIsConsistent()).not.toThrow();
    });

    it('catches a window that outlives its deadline, and a missing row', () => {
      const broken: AutoConfirmTable = structuredClone(AUTO_CONFIRM_TABLE);
      broken.DOMESTIC.THIRD_PARTY_TRACKING_WITHOUT_DELIVERY = { anchor: 'LAST_TRACKING_EVENT', confirmAfterDays: 21, extension: { offeredOnDays: [18, 22], extendByDays: 5 } };
      expect(() => assertAutoConfirmTableIsConsistent(broken)).toThrow(/days 18-22/);
      const missing = structuredClone(AUTO_CONFIRM_TABLE) as Partial<Record<string, unknown>> as AutoConfirmTable;
      delete (missing.CROSS_BORDER as Partial<AutoConfirmTable['CROSS_BORDER']>).THIRD_PARTY_NO_TRACKING;
      expect(() => assertAutoConfirmTableIsConsistent(missing)).toThrow(/CROSS_BORDER THIRD_PARTY_NO_TRACKING is missing/);
    });

    it('clips a custom window to its deadline', () => {
      const custom: AutoConfirmTable = structuredClone(AUTO_CONFIRM_TABLE);
      custom.DOMESTIC.THIRD_PARTY_DELIVERED = { anchor: 'DELIVERY', confirmAfterDays: 2, extension: { offeredOnDays: [1, 3], extendByDays: 5 } };
      const delivered = day(outboundAt, 1);
      const view = autoConfirmView(shipment({ deliveredAt: delivered }), delivered, custom);
      expect(view.extension.window).toEqual({ opensAt: delivered, closesAt: day(delivered, 2) });
    });
  });
});

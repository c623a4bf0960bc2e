import { checkFactOwner, MERCHANT_RELEASE_TRIGGERS } from '@orderline/shared/platform-rules';
import { decidePause, decidePauseRelease, OrderPause, releaseData, timedReleaseDue } from './order-pause';
import { OrderFacts } from './order-process';
import { PAUSE_REASONS, PAUSE_RELEASE_TRIGGERS, PauseReason, PauseReleaseTrigger, RELEASE_TRIGGER_OWNERS, TIMED_PAUSE_REASONS } from './pause-reasons';

const HOUR = 60 * 60 * 1000;
const now = new Date('2025-03-01T08:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const waiting: OrderFacts = { status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE' };
const paused: OrderFacts = { status: 'PAUSED', paymentMethod: 'ONLINE' };

// domain.md §1.5 restated: the event that releases each reason, and whether it is timed.
const SPEC_RELEASES: Record<PauseReason, { by: PauseReleaseTrigger; timed: boolean }> = {
  LOGISTICS_TRAFFIC_CONTROL: { by: 'LOGISTICS_DISRUPTION_LIFTED', timed: false },
  LOGISTICS_SMART_SCHEDULING: { by: 'LOGISTICS_DISRUPTION_LIFTED', timed: false },
  LOGISTICS_EPIDEMIC: { by: 'LOGISTICS_DISRUPTION_LIFTED', timed: false },
  LOGISTICS_WEATHER: { by: 'LOGISTICS_DISRUPTION_LIFTED', timed: false },
  LOGISTICS_PROMOTION_LOAD: { by: 'LOGISTICS_DISRUPTION_LIFTED', timed: false },
  LOGISTICS_ROAD_PROBLEM: { by: 'LOGISTICS_DISRUPTION_LIFTED', timed: false },
  BEFORE_RESERVED_DELIVERY_TIME: { by: 'RESERVED_TIME_REACHED', timed: true },
  GIFT_SHIPPED_LATER: { by: 'MAIN_ITEM_DELIVERED', timed: false },
  OUT_OF_STOCK: { by: 'STOCK_ARRIVED', timed: false },
  OUT_OF_STOCK_IN_TRANSFER: { by: 'STOCK_ARRIVED', timed: false },
  OUT_OF_STOCK_CANNOT_ARRIVE: { by: 'STOCK_ARRIVED', timed: false },
  OUT_OF_STOCK_BACK_ORDER: { by: 'STOCK_ARRIVED', timed: false },
  SCHEDULING: { by: 'STOCK_ARRIVED', timed: false },
  AWAITING_REAL_NAME_CHECK: { by: 'REAL_NAME_APPROVED', timed: false },
  AWAITING_CERTIFICATE: { by: 'CERTIFICATE_UPLOADED', timed: false },
  AWAITING_BATCH_NUMBER: { by: 'BATCH_NUMBER_UPLOADED', timed: false },
  WAITING_FOR_GROUP: { by: 'GROUP_FORMED', timed: false },
  SUBSCRIPTION_PERIOD_NOT_DUE: { by: 'SUBSCRIPTION_DATE_REACHED', timed: true },
  DEALER_ORDERING_FAIR: { by: 'FAIR_SHIPPING_DATE_REACHED', timed: true },
};

function pauseFor(reason: PauseReason): OrderPause {
  const timed = SPEC_RELEASES[reason].timed;
  const decision = decidePause(waiting, { reason, ...(timed ? { releaseAt: later(10 * HOUR) } : {}) }, now);
  if (!decision.allowed) throw new Error(`could not pause for ${reason}: ${decision.veto.code}`);
  return decision.pause;
}

// What merchant-owned releases carry (issue 12); ignored by the triggers that carry nothing.
const RELEASE_DATA = { certificate: { number: 'NGTC-1', imageReference: 'img://c/1.jpg' }, batchNumber: 'LOT-1', realNameCheck: { reference: 'rn-1' } };

describe('pauses (domain.md §1.5)', () => {
  it('covers every reason of the table, including scheduling (调度中)', () => {
    expect([...PAUSE_REASONS].sort()).toEqual(Object.keys(SPEC_RELEASES).sort());
  });

  describe.each(PAUSE_REASONS)('%s', (reason) => {
    const spec = SPEC_RELEASES[reason];

    it('pauses an order waiting for outbound', () => {
      const decision = decidePause(waiting, { reason, ...(spec.timed ? { releaseAt: later(HOUR) } : {}) }, now);
      expect(decision).toMatchObject({ allowed: true, from: 'WAITING_OUTBOUND', to: 'PAUSED', pause: { reason, pausedAt: now } });
    });

    it(`is released by ${spec.by}`, () => {
      const at = spec.timed ? later(10 * HOUR) : now;
      expect(decidePauseRelease(paused, pauseFor(reason), { trigger: spec.by, ...RELEASE_DATA }, at)).toMatchObject({ allowed: true, from: 'PAUSED', to: 'WAITING_OUTBOUND' });
    });

    it('is not released by any other event, and the refusal names the right one', () => {
      const others = PAUSE_RELEASE_TRIGGERS.filter((trigger) => trigger !== spec.by && trigger !== 'EARLY_RELEASE_REQUESTED');
      for (const trigger of others) {
        const decision = decidePauseRelease(paused, pauseFor(reason), { trigger }, later(100 * HOUR));
        expect(decision).toMatchObject({ allowed: false, veto: { code: 'PAUSE_NOT_RELEASED_BY_TRIGGER' } });
        expect(decision.allowed === false && decision.veto.reason).toContain(spec.by);
      }
    });
  });

  it('allows early release on request only for the reserved-time pause', () => {
    const evidence = { kind: 'BUYER_AGREEMENT' as const, reference: 'chat-4711' };
    for (const reason of PAUSE_REASONS) {
      const decision = decidePauseRelease(paused, pauseFor(reason), { trigger: 'EARLY_RELEASE_REQUESTED', evidence }, now);
      if (reason === 'BEFORE_RESERVED_DELIVERY_TIME') expect(decision).toMatchObject({ allowed: true, to: 'WAITING_OUTBOUND' });
      else expect(decision).toMatchObject({ allowed: false, veto: { code: 'PAUSE_NOT_RELEASED_BY_TRIGGER' } });
    }
  });

  it('needs evidence that the buyer agreed for an early release', () => {
    const pause = pauseFor('BEFORE_RESERVED_DELIVERY_TIME');
    expect(decidePauseRelease(paused, pause, { trigger: 'EARLY_RELEASE_REQUESTED' }, now)).toMatchObject({ allowed: false, veto: { code: 'EARLY_RELEASE_EVIDENCE_REQUIRED' } });
    expect(decidePauseRelease(paused, pause, { trigger: 'EARLY_RELEASE_REQUESTED', evidence: { kind: 'BUYER_AGREEMENT', reference: '  ' } }, now)).toMatchObject({
      allowed: false,
      veto: { code: 'EARLY_RELEASE_EVIDENCE_REQUIRED' },
    });
  });

  it.each(['BEFORE_RESERVED_DELIVERY_TIME', 'SUBSCRIPTION_PERIOD_NOT_DUE', 'DEALER_ORDERING_FAIR'] as const)('releases %s at its time, not a millisecond before', (reason) => {
    const pause = pauseFor(reason);
    const releaseAt = (pause.releaseAt as Date).getTime();
    const trigger = SPEC_RELEASES[reason].by;
    expect(decidePauseRelease(paused, pause, { trigger }, new Date(releaseAt - 1))).toMatchObject({ allowed: false, veto: { code: 'PAUSE_RELEASE_TIME_NOT_REACHED' } });
    expect(decidePauseRelease(paused, pause, { trigger }, new Date(releaseAt))).toMatchObject({ allowed: true });
    expect(timedReleaseDue(pause, new Date(releaseAt - 1))).toBeUndefined();
    expect(timedReleaseDue(pause, new Date(releaseAt))).toBe(trigger);
  });

  it('has no timed release for event-driven pauses', () => {
    expect(timedReleaseDue(pauseFor('OUT_OF_STOCK'), later(1000 * HOUR))).toBeUndefined();
  });

  it('lets the timer claim exactly the timed reasons, so event-driven pauses are never due', () => {
    const timed = PAUSE_REASONS.filter((reason) => SPEC_RELEASES[reason].timed);
    expect([...TIMED_PAUSE_REASONS].sort()).toEqual(timed.sort());
    expect(TIMED_PAUSE_REASONS).toEqual(expect.arrayContaining(['BEFORE_RESERVED_DELIVERY_TIME', 'SUBSCRIPTION_PERIOD_NOT_DUE', 'DEALER_ORDERING_FAIR']));
    expect(TIMED_PAUSE_REASONS).not.toContain('OUT_OF_STOCK');
  });

  it('needs a future release time for timed reasons and refuses one for the others', () => {
    expect(decidePause(waiting, { reason: 'BEFORE_RESERVED_DELIVERY_TIME' }, now)).toMatchObject({ allowed: false, veto: { code: 'PAUSE_RELEASE_TIME_REQUIRED' } });
    expect(decidePause(waiting, { reason: 'DEALER_ORDERING_FAIR', releaseAt: now }, now)).toMatchObject({ allowed: false, veto: { code: 'PAUSE_RELEASE_TIME_PASSED' } });
    expect(decidePause(waiting, { reason: 'OUT_OF_STOCK', releaseAt: later(HOUR) }, now)).toMatchObject({ allowed: false, veto: { code: 'PAUSE_RELEASE_TIME_NOT_APPLICABLE' } });
  });

  it('refuses an unknown reason and a pause outside waiting for outbound', () => {
    expect(decidePause(waiting, { reason: 'BORED' as PauseReason }, now)).toMatchObject({ allowed: false, veto: { code: 'UNKNOWN_PAUSE_REASON' } });
    for (const status of ['UNPAID', 'PAUSED', 'SHIPPED', 'CANCELLED'] as const) {
      expect(decidePause({ status, paymentMethod: 'ONLINE' }, { reason: 'OUT_OF_STOCK' }, now)).toMatchObject({ allowed: false, veto: { code: 'INVALID_ORDER_TRANSITION' } });
    }
  });

  it('releases only an order that is actually paused', () => {
    expect(decidePauseRelease(waiting, pauseFor('OUT_OF_STOCK'), { trigger: 'STOCK_ARRIVED' }, now)).toMatchObject({ allowed: false, veto: { code: 'INVALID_ORDER_TRANSITION' } });
  });
});

describe('merchant-owned releases carry their data (issue 12)', () => {
  const cases = [
    { reason: 'AWAITING_CERTIFICATE', trigger: 'CERTIFICATE_UPLOADED', missing: [{}, { certificate: { number: 'NGTC-1', imageReference: ' ' } }], data: { certificate: { number: ' NGTC-1 ', imageReference: 'img://c/1.jpg' } }, kept: { certificate: { number: 'NGTC-1', imageReference: 'img://c/1.jpg' } } },
    { reason: 'AWAITING_BATCH_NUMBER', trigger: 'BATCH_NUMBER_UPLOADED', missing: [{}, { batchNumber: '' }], data: { batchNumber: 'LOT-7' }, kept: { batchNumber: 'LOT-7' } },
    { reason: 'AWAITING_REAL_NAME_CHECK', trigger: 'REAL_NAME_APPROVED', missing: [{}, { realNameCheck: { reference: '  ' } }], data: { realNameCheck: { reference: 'rn-9' } }, kept: { realNameCheck: { reference: 'rn-9' } } },
  ] as const;

  it.each(cases)('$trigger without its data is refused; with it the release keeps exactly that data', ({ reason, trigger, missing, data, kept }) => {
    const waiting = { status: 'PAUSED' as const, paymentMethod: 'COD' as const };
    const pause = { reason, pausedAt: new Date(0) };
    for (const without of missing) expect(decidePauseRelease(waiting, pause, { trigger, ...without } as never, new Date(1))).toMatchObject({ allowed: false, veto: { code: 'RELEASE_DATA_REQUIRED' } });
    expect(decidePauseRelease(waiting, pause, { trigger, ...data } as never, new Date(1))).toMatchObject({ allowed: true });
    expect(releaseData({ trigger, ...data, batchNumber: (data as { batchNumber?: string }).batchNumber, evidence: { kind: 'BUYER_AGREEMENT', reference: 'not-kept' } } as never)).toEqual(kept);
  });

  it('names an owner for every release trigger, and only merchant-owned ones carry data', () => {
    for (const trigger of PAUSE_RELEASE_TRIGGERS) expect(RELEASE_TRIGGER_OWNERS[trigger]).toBeDefined();
    expect(MERCHANT_RELEASE_TRIGGERS.sort()).toEqual(['BATCH_NUMBER_UPLOADED', 'CERTIFICATE_UPLOADED', 'EARLY_RELEASE_REQUESTED', 'REAL_NAME_APPROVED']);
    for (const trigger of ['GROUP_FORMED', 'MAIN_ITEM_DELIVERED', 'LOGISTICS_DISRUPTION_LIFTED', 'STOCK_ARRIVED', 'RESERVED_TIME_REACHED']) {
      expect(checkFactOwner(trigger, RELEASE_TRIGGER_OWNERS[trigger as keyof typeof RELEASE_TRIGGER_OWNERS], { role: 'MERCHANT', accountKind: 'MAIN' })).toMatchObject({ allowed: false, code: 'NOT_THE_FACT_OWNER' });
    }
    expect(checkFactOwner('LOGISTICS_DISRUPTION_LIFTED', RELEASE_TRIGGER_OWNERS.LOGISTICS_DISRUPTION_LIFTED, { role: 'OPERATOR' })).toEqual({ allowed: true });
    expect(checkFactOwner('CERTIFICATE_UPLOADED', RELEASE_TRIGGER_OWNERS.CERTIFICATE_UPLOADED, { role: 'MERCHANT', accountKind: 'SUB', permissions: ['VIEW_ORDERS'] })).toMatchObject({ allowed: false, code: 'PERMISSION_REQUIRED' });
    expect(checkFactOwner('CERTIFICATE_UPLOADED', RELEASE_TRIGGER_OWNERS.CERTIFICATE_UPLOADED, { role: 'MERCHANT', accountKind: 'SUB', permissions: ['OPERATE_ORDERS'] })).toEqual({ allowed: true });
    expect(checkFactOwner('CERTIFICATE_UPLOADED', RELEASE_TRIGGER_OWNERS.CERTIFICATE_UPLOADED, { role: 'OPERATOR' })).toMatchObject({ allowed: false });
  });
});

import { defineProcess, processProblems, ProcessDeclarationError } from '@orderline/shared/process';
import { decideShipmentTransition, InterceptionState, SHIPMENT_PROCESS, ShipmentFacts } from './shipment-process';

const facts = (status: InterceptionState, overrides: Partial<ShipmentFacts> = {}): ShipmentFacts => ({ carrier: 'JD_LOGISTICS', status, delivered: false, ...overrides });

describe('shipment process (domain.md §2.3 interception)', () => {
  it('passes the start-up checks', () => {
    expect(processProblems(SHIPMENT_PROCESS)).toEqual([]);
  });

  it('goes requested → intercepted → returned, or requested → failed, each move publishing the interception update', () => {
    expect(decideShipmentTransition(facts('NONE'), 'REQUEST')).toEqual({ allowed: true, trigger: 'REQUEST', from: 'NONE', to: 'REQUESTED', effects: ['INTERCEPTION_UPDATED'] });
    expect(decideShipmentTransition(facts('REQUESTED'), 'CARRIER_INTERCEPTED')).toMatchObject({ allowed: true, to: 'INTERCEPTED', effects: ['INTERCEPTION_UPDATED'] });
    expect(decideShipmentTransition(facts('REQUESTED'), 'CARRIER_FAILED')).toMatchObject({ allowed: true, to: 'FAILED' });
    expect(decideShipmentTransition(facts('INTERCEPTED'), 'RETURNED_TO_SENDER')).toMatchObject({ allowed: true, to: 'RETURNED' });
  });

  it('lets the carrier answer a request even after delivery was reported (only the request is guarded)', () => {
    expect(decideShipmentTransition(facts('REQUESTED', { delivered: true }), 'CARRIER_FAILED')).toMatchObject({ allowed: true, to: 'FAILED' });
  });

  it('refuses third-party parcels, delivered parcels, a second request and unexpected answers', () => {
    expect(decideShipmentTransition(facts('NONE', { carrier: 'SF' }), 'REQUEST')).toMatchObject({ veto: { code: 'INTERCEPTION_PLATFORM_CARRIER_ONLY' } });
    expect(decideShipmentTransition(facts('NONE', { delivered: true }), 'REQUEST')).toMatchObject({ veto: { code: 'SHIPMENT_ALREADY_DELIVERED' } });
    expect(decideShipmentTransition(facts('FAILED'), 'REQUEST')).toEqual({ allowed: false, veto: { code: 'INTERCEPTION_ALREADY_REQUESTED', reason: 'interception is FAILED; REQUEST applies from NONE' } });
    expect(decideShipmentTransition(facts('NONE'), 'CARRIER_INTERCEPTED')).toEqual({ allowed: false, veto: { code: 'INTERCEPTION_NOT_EXPECTED', reason: 'interception is NONE; CARRIER_INTERCEPTED applies from REQUESTED' } });
    expect(decideShipmentTransition(facts('FAILED'), 'RETURNED_TO_SENDER')).toMatchObject({ veto: { code: 'INTERCEPTION_NOT_EXPECTED' } });
  });

  it('says why a request can never succeed before saying it was made already', () => {
    expect(decideShipmentTransition(facts('REQUESTED', { delivered: true }), 'REQUEST')).toMatchObject({ veto: { code: 'SHIPMENT_ALREADY_DELIVERED' } });
    expect(decideShipmentTransition(facts('INTERCEPTED', { carrier: 'SF' }), 'REQUEST')).toMatchObject({ veto: { code: 'INTERCEPTION_PLATFORM_CARRIER_ONLY' } });
  });

  it('would not start with a state no move reaches', () => {
    const withoutReturn = { ...SHIPMENT_PROCESS, transitions: SHIPMENT_PROCESS.transitions.filter((t) => t.trigger !== 'RETURNED_TO_SENDER') };
    expect(processProblems(withoutReturn)).toEqual(expect.arrayContaining([expect.stringContaining('RETURNED')]));
    expect(() => defineProcess(withoutReturn)).toThrow(ProcessDeclarationError);
  });
});

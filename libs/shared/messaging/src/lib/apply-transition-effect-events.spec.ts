import { EventDefinition } from '@orderline/shared/contracts';
import { decide, defineProcess } from '@orderline/shared/process';
import { applyTransition, outgoing } from './apply-transition';

type ParcelStatus = 'TRAVELLING' | 'STOPPED';
const PARCEL = defineProcess<ParcelStatus, 'STOP', { status: ParcelStatus }, never, 'PARCEL_STOPPED'>({
  name: 'parcel',
  states: ['TRAVELLING', 'STOPPED'],
  initial: ['TRAVELLING'],
  terminal: ['STOPPED'],
  transitions: [{ trigger: 'STOP', from: ['TRAVELLING'], to: 'STOPPED', effects: ['PARCEL_STOPPED'] }],
});
const ParcelStopped = { type: 'ParcelStopped' } as EventDefinition<{ orderId: string }>;

describe('applyTransition with an effect of several events', () => {
  it('publishes every event of the effect, in the order given, after saving', async () => {
    const steps: string[] = [];
    const scope = { publish: async (definition: EventDefinition<any>, payload: object) => (steps.push(`publish ${definition.type} ${JSON.stringify(payload)}`), 'id') };
    const parcel = { status: 'TRAVELLING' as ParcelStatus };
    const decision = decide(PARCEL, parcel, 'STOP');
    if (!decision.allowed) throw new Error('expected an allowed decision');
    await applyTransition(scope, parcel, decision, {
      save: async (saved) => void steps.push(`save ${saved.status}`),
      effects: { PARCEL_STOPPED: () => ['o1', 'o2'].map((orderId) => outgoing(ParcelStopped, { orderId })) },
    });
    expect(steps).toEqual(['save STOPPED', 'publish ParcelStopped {"orderId":"o1"}', 'publish ParcelStopped {"orderId":"o2"}']);
  });
});

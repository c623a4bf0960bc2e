import { EventDefinition } from '@orderline/shared/contracts';
import { decide, defineProcess } from '@orderline/shared/process';
import { applyTransition, outgoing } from './apply-transition';

type DoorStatus = 'CLOSED' | 'LOCKED';
const DOOR = defineProcess<DoorStatus, 'LOCK' | 'UNLOCK', { status: DoorStatus }, never, 'DOOR_LOCKED'>({
  name: 'door',
  states: ['CLOSED', 'LOCKED'],
  initial: ['CLOSED'],
  terminal: [],
  transitions: [
    { trigger: 'LOCK', from: ['CLOSED'], to: 'LOCKED', effects: ['DOOR_LOCKED'] },
    { trigger: 'UNLOCK', from: ['LOCKED'], to: 'CLOSED' },
  ],
});
const DoorMoved = { type: 'DoorMoved' } as EventDefinition<{ to: string }>;
const DoorLocked = { type: 'DoorLocked' } as EventDefinition<{ by: string }>;

/** Records the order of the steps; `publish` is the only part of the scope the apply uses. */
function recorder() {
  const steps: string[] = [];
  const scope = { publish: async (definition: EventDefinition<any>, payload: object) => (steps.push(`publish ${definition.type} ${JSON.stringify(payload)}`), 'id') };
  return { steps, scope };
}

function allowed<D extends { allowed: boolean }>(decision: D): Extract<D, { allowed: true }> {
  if (!decision.allowed) throw new Error('expected an allowed decision');
  return decision as Extract<D, { allowed: true }>;
}

describe('applyTransition', () => {
  it('sets the status, saves, appends history, then publishes the move event and the effects in order', async () => {
    const { steps, scope } = recorder();
    const door = { status: 'CLOSED' as DoorStatus };
    await applyTransition(scope, door, allowed(decide(DOOR, door, 'LOCK')), {
      save: async (saved) => void steps.push(`save ${saved.status}`),
      history: async (move) => void steps.push(`history ${move.from}→${move.to}`),
      event: (move) => outgoing(DoorMoved, { to: move.to }),
      effects: { DOOR_LOCKED: () => outgoing(DoorLocked, { by: 'keeper' }) },
    });
    expect(door.status).toBe('LOCKED');
    expect(steps).toEqual(['save LOCKED', 'history CLOSED→LOCKED', 'publish DoorMoved {"to":"LOCKED"}', 'publish DoorLocked {"by":"keeper"}']);
  });

  it('refuses a move whose declared effect has no event, before writing anything', async () => {
    const { steps, scope } = recorder();
    const door = { status: 'CLOSED' as DoorStatus };
    await expect(applyTransition(scope, door, allowed(decide(DOOR, door, 'LOCK')), { save: async () => void steps.push('save') })).rejects.toThrow(/declares the effect DOOR_LOCKED/);
    expect(steps).toEqual([]);
    expect(door.status).toBe('CLOSED');
  });

  it('refuses an event for an effect the move does not declare (a table that forgot it)', async () => {
    const { steps, scope } = recorder();
    const door = { status: 'LOCKED' as DoorStatus };
    const effects = { DOOR_LOCKED: () => outgoing(DoorLocked, { by: 'keeper' }) };
    await expect(applyTransition(scope, door, allowed(decide(DOOR, door, 'UNLOCK')), { save: async () => void steps.push('save'), effects })).rejects.toThrow(/UNLOCK transition does not declare the effect DOOR_LOCKED/);
    expect(steps).toEqual([]);
  });

  it('refuses a decision taken for another status', async () => {
    const { scope } = recorder();
    const decided = allowed(decide(DOOR, { status: 'LOCKED' }, 'UNLOCK'));
    await expect(applyTransition(scope, { status: 'CLOSED' as DoorStatus }, decided, { save: async () => undefined })).rejects.toThrow(/decided from LOCKED cannot be applied to a subject in CLOSED/);
  });
});

import { decide, hasTrigger } from './decide';
import { defineProcess, ProcessDeclaration, ProcessDeclarationError, processProblems } from './process-definition';

type DoorStatus = 'CLOSED' | 'OPEN' | 'LOCKED' | 'BROKEN';
type DoorTrigger = 'OPEN' | 'CLOSE' | 'LOCK' | 'UNLOCK' | 'KICK';
interface DoorFacts {
  status: DoorStatus;
  kind: 'WOOD' | 'STEEL';
  hasKey?: boolean;
}

const door: ProcessDeclaration<DoorStatus, DoorTrigger, DoorFacts, 'keyInHand', 'DOOR_LOCKED'> = {
  name: 'door',
  states: ['CLOSED', 'OPEN', 'LOCKED', 'BROKEN'],
  initial: ['CLOSED'],
  terminal: ['BROKEN'],
  guards: { keyInHand: (facts) => (facts.hasKey ? undefined : { code: 'NO_KEY', reason: 'a door is locked and unlocked with its key' }) },
  transitions: [
    { trigger: 'OPEN', from: ['CLOSED'], to: 'OPEN' },
    { trigger: 'CLOSE', from: ['OPEN'], to: 'CLOSED' },
    { trigger: 'LOCK', from: ['CLOSED'], to: 'LOCKED', guards: ['keyInHand'], effects: ['DOOR_LOCKED'] },
    { trigger: 'UNLOCK', from: ['LOCKED'], to: 'CLOSED', guards: ['keyInHand'] },
    // One (from, trigger), two ways: the selector on `kind` tells them apart.
    { trigger: 'KICK', from: ['CLOSED', 'LOCKED'], to: 'BROKEN', when: { fact: 'kind', in: ['WOOD'] } },
    { trigger: 'KICK', from: ['LOCKED'], to: 'LOCKED', when: { fact: 'kind', in: ['STEEL'] } },
  ],
};

describe('process engine: decide', () => {
  const process = defineProcess(door);

  it('allows a listed move and hands out its declared effects', () => {
    expect(decide(process, { status: 'CLOSED', kind: 'WOOD', hasKey: true }, 'LOCK')).toEqual({ allowed: true, trigger: 'LOCK', from: 'CLOSED', to: 'LOCKED', effects: ['DOOR_LOCKED'] });
    expect(decide(process, { status: 'CLOSED', kind: 'WOOD' }, 'OPEN')).toEqual({ allowed: true, trigger: 'OPEN', from: 'CLOSED', to: 'OPEN', effects: [] });
  });

  it('lets a named guard veto the move', () => {
    expect(decide(process, { status: 'CLOSED', kind: 'WOOD' }, 'LOCK')).toEqual({ allowed: false, veto: { code: 'NO_KEY', reason: 'a door is locked and unlocked with its key' } });
  });

  it('refuses what the table does not list with INVALID_<NAME>_TRANSITION', () => {
    expect(decide(process, { status: 'OPEN', kind: 'WOOD', hasKey: true }, 'LOCK')).toEqual({ allowed: false, veto: { code: 'INVALID_DOOR_TRANSITION', reason: 'a door in status OPEN cannot lock' } });
  });

  it('picks the transition the selector chooses, and has none for facts no selector takes', () => {
    expect(decide(process, { status: 'LOCKED', kind: 'WOOD' }, 'KICK')).toMatchObject({ allowed: true, to: 'BROKEN' });
    expect(decide(process, { status: 'LOCKED', kind: 'STEEL' }, 'KICK')).toMatchObject({ allowed: true, to: 'LOCKED' });
    expect(decide(process, { status: 'CLOSED', kind: 'STEEL' }, 'KICK')).toMatchObject({ allowed: false, veto: { code: 'INVALID_DOOR_TRANSITION' } });
    expect(hasTrigger(process, { status: 'OPEN', kind: 'STEEL' }, 'KICK')).toBe(true);
  });

  it('lets the process word its own refusal, falling back to the default', () => {
    const withRefusal = defineProcess({ ...door, refuse: (facts, trigger) => (trigger === 'LOCK' && facts.status === 'OPEN' ? { code: 'CLOSE_FIRST', reason: 'close the door, then lock it' } : undefined) });
    expect(decide(withRefusal, { status: 'OPEN', kind: 'WOOD', hasKey: true }, 'LOCK')).toMatchObject({ allowed: false, veto: { code: 'CLOSE_FIRST' } });
    expect(decide(withRefusal, { status: 'OPEN', kind: 'WOOD' }, 'UNLOCK')).toMatchObject({ allowed: false, veto: { code: 'INVALID_DOOR_TRANSITION' } });
  });
});

describe('process engine: start-up checks', () => {
  it('accepts a sound table', () => {
    expect(processProblems(door)).toEqual([]);
  });

  it('rejects a table with an unreachable state', () => {
    const unreachable = { ...door, transitions: door.transitions.filter((t) => t.trigger !== 'LOCK') };
    expect(() => defineProcess(unreachable)).toThrow(ProcessDeclarationError);
    expect(() => defineProcess(unreachable)).toThrow(/door process: LOCKED is unreachable from CLOSED/);
  });

  it('rejects a table with an ambiguous transition', () => {
    const ambiguous = { ...door, transitions: [...door.transitions, { trigger: 'OPEN' as const, from: ['CLOSED' as const], to: 'BROKEN' as const }] };
    expect(() => defineProcess(ambiguous)).toThrow(/OPEN from CLOSED is declared twice \(→ OPEN, → BROKEN\) without selectors/);
  });

  it('rejects selectors that overlap or select on different facts', () => {
    const overlapping = { ...door, transitions: [...door.transitions, { trigger: 'KICK' as const, from: ['CLOSED' as const], to: 'OPEN' as const, when: { fact: 'kind' as const, in: ['WOOD' as const, 'STEEL' as const] } }] };
    expect(processProblems(overlapping)).toEqual(['KICK from CLOSED is declared twice (→ BROKEN, → OPEN) for kind WOOD']);
    const otherFact = { ...door, transitions: [...door.transitions, { trigger: 'OPEN' as const, from: ['CLOSED' as const], to: 'BROKEN' as const, when: { fact: 'hasKey' as const, in: [false] } }] };
    expect(processProblems(otherFact)).toEqual([expect.stringMatching(/OPEN from CLOSED is declared twice/)]);
  });

  it('requires every dead end to be declared terminal, and terminal states to be dead ends', () => {
    expect(processProblems({ ...door, terminal: [] })).toEqual(['BROKEN has no way out and is not declared terminal']);
    expect(processProblems({ ...door, terminal: ['BROKEN', 'OPEN'] })).toEqual(['OPEN is declared terminal but has a way out']);
  });

  it('rejects unknown states, undeclared and unused guards', () => {
    expect(processProblems({ ...door, initial: ['AJAR' as DoorStatus] })).toContain('initial names the undeclared state AJAR');
    expect(processProblems({ ...door, guards: { ...door.guards, spare: () => undefined } as never })).toEqual(['the guard spare is declared but no transition uses it']);
    expect(processProblems({ ...door, guards: {} as never })).toContain('LOCK → LOCKED names the undeclared guard keyInHand');
  });
});

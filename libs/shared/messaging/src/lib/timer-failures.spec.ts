import { nextAttemptAfter, runIsolated, TimerFailures } from './timer-failures';

describe('timer failure isolation', () => {
  it('backs a failing subject off 1, 2, 4 … minutes, at most an hour', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect([1, 2, 3, 4, 7, 20].map((attempts) => (nextAttemptAfter(at, attempts).getTime() - at.getTime()) / 60_000)).toEqual([1, 2, 4, 8, 60, 60]);
  });

  it('builds its SQL filter only from plain identifiers', () => {
    expect(TimerFailures.notBackingOff('statement-run', 'credit_account.id', '$2')).toContain(`f.job = 'statement-run'`);
    expect(() => TimerFailures.notBackingOff(`x'; DROP TABLE loan; --`, 'id', '$1')).toThrow();
  });

  it('goes on with the other subjects when one fails, recording the failure', async () => {
    const due = ['a', 'poisoned', 'b'];
    const recorded: unknown[][] = [];
    const dataSource = { query: jest.fn(async (_sql: string, parameters: unknown[]) => (recorded.push(parameters), [{ attempts: 1 }])) };
    const errors: string[] = [];
    const done = await runIsolated({ job: 'statement-run', dataSource: dataSource as never, now: () => new Date('2026-12-01T00:00:00Z'), logger: { error: (message) => errors.push(message) } }, async (claimed) => {
      const subject = due.shift();
      if (!subject) return false;
      claimed(subject);
      if (subject === 'poisoned') throw new Error('corrupt loan document');
      return true;
    });
    expect(done).toBe(2);
    expect(recorded[0]).toEqual(['statement-run', 'poisoned', 'corrupt loan document', expect.any(Date), expect.any(Date)]);
    expect(errors).toHaveLength(1);
  });

  it('stops the run when nothing was claimed (the run itself is failing)', async () => {
    await expect(runIsolated({ job: 'statement-run', dataSource: {} as never, now: () => new Date(), logger: { error: () => undefined } }, async () => {
      throw new Error('database away');
    })).rejects.toThrow('database away');
  });
});

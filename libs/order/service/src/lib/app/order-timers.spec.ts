import { OrderTimers } from './order-timers';

const NOW = new Date('2026-12-01T08:00:00Z');

/** An OrderTimers over fake jobs: each fake gets its subjects' outcomes in order (`false` = nothing due). */
function timersWith(fakes: { unpaid?: jest.Mock; cancel?: jest.Mock; pause?: jest.Mock; shipping?: jest.Mock; fold?: jest.Mock }) {
  const none = () => jest.fn(async () => false);
  const errors: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const recorded: unknown[][] = [];
  const dataSource = { query: jest.fn(async (sql: string, parameters: unknown[]) => (sql.startsWith('INSERT INTO timer_failure') && recorded.push(parameters), [{ attempts: 1 }])) };
  const logger = { component: () => ({ log: () => undefined, warn: () => undefined, error: (message: string, fields?: Record<string, unknown>) => errors.push({ message, fields }) }) };
  const timers = new OrderTimers(
    { expireNextUnpaid: fakes.unpaid ?? none() } as never,
    { autoCancelNextDue: fakes.cancel ?? none() } as never,
    { releaseNextDuePause: fakes.pause ?? none() } as never,
    { raiseNextDue: fakes.shipping ?? none() } as never,
    { foldStatusCounts: fakes.fold ?? jest.fn(async () => 0) } as never,
    dataSource as never,
    { now: () => NOW } as never,
    { UNPAID_ORDER_TTL_SECONDS: 86_400, ORDER_TIMER_INTERVAL_MS: 1_000 } as never,
    logger as never,
    'order-service',
  );
  return { timers, errors, recorded };
}

/** A job's `next` that claims the given subjects one per call; a subject named `poisoned…` throws. */
function subjects(...ids: string[]) {
  const due = [...ids];
  return jest.fn(async (...args: unknown[]) => {
    const claimed = args[args.length - 1] as (id: string) => void;
    const id = due.shift();
    if (!id) return false;
    claimed(id);
    if (id.startsWith('poisoned')) throw new TypeError(`Cannot read properties of null (order ${id})`);
    return true;
  });
}

describe('order timers (issue 12 item 6: one failure does not stop the others)', () => {
  it('records a subject that fails and goes on with the other subjects of its job', async () => {
    const cancel = subjects('poisoned-request', 'r2', 'r3');
    const { timers, recorded } = timersWith({ cancel });
    await timers.tick();
    expect(cancel).toHaveBeenCalledTimes(4);
    expect(recorded).toEqual([['negotiated-auto-cancel', 'poisoned-request', expect.stringContaining('Cannot read properties of null'), NOW, expect.any(Date)]]);
  });

  it('runs the jobs after one that fails as a whole, and after a failing status-count fold', async () => {
    const unpaid = jest.fn(async () => {
      throw new Error('claim query failed');
    });
    const fold = jest.fn(async () => {
      throw new Error('fold failed');
    });
    const pause = subjects('o1');
    const shipping = subjects('o2', 'o3');
    const { timers, errors } = timersWith({ unpaid, fold, pause, shipping });
    await expect(timers.tick()).resolves.toBeUndefined();
    expect(pause).toHaveBeenCalledTimes(2);
    expect(shipping).toHaveBeenCalledTimes(3);
    expect(errors.map((error) => error.fields?.job)).toEqual(['order-status-counts', 'unpaid-expiry']);
  });

  it('expires orders placed before now minus the unpaid time-to-live (domain.md §1.2)', async () => {
    const unpaid = jest.fn(async () => false);
    await timersWith({ unpaid }).timers.tick();
    expect(unpaid).toHaveBeenCalledWith(new Date(NOW.getTime() - 86_400_000), expect.any(Function));
  });

  it('bounds the subjects one job handles per tick, so a job that keeps finding work cannot hold the tick', async () => {
    const pause = jest.fn(async (claimed: (id: string) => void) => (claimed('same-order'), true));
    const shipping = subjects('o1');
    const { timers } = timersWith({ pause, shipping });
    await timers.tick();
    expect(pause).toHaveBeenCalledTimes(100);
    expect(shipping).toHaveBeenCalledTimes(2);
  });
});

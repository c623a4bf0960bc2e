import { familyValues } from '@orderline/shared/metrics';
import { PeriodicTask } from './periodic-task';

const logger = () => ({ log: jest.fn(), warn: jest.fn(), error: jest.fn() });

describe('PeriodicTask', () => {
  it('never runs two ticks at once and stop waits for the one in progress', async () => {
    let release!: () => void;
    let started = 0;
    let finished = 0;
    const task = new PeriodicTask('test timer', 60_000, async () => {
      started++;
      await new Promise<void>((resolve) => (release = resolve));
      finished++;
    }, logger());
    const first = task.runOnce();
    const second = task.runOnce();
    expect(started).toBe(1);
    const stopped = task.stop();
    release();
    await Promise.all([first, second, stopped]);
    expect(finished).toBe(1);
  });

  it('logs a failed tick and runs the next one', async () => {
    const log = logger();
    let calls = 0;
    const task = new PeriodicTask('test timer', 60_000, async () => {
      if (++calls === 1) throw new Error('database down');
    }, log);
    await task.runOnce();
    expect(log.error).toHaveBeenCalledWith('test timer failed; the next beat tries again', { error: 'database down' });
    await task.runOnce();
    expect(calls).toBe(2);
  });

  it('counts each tick by outcome and times it, labelled with its service', async () => {
    let calls = 0;
    const task = new PeriodicTask('metered timer', 60_000, async () => {
      if (++calls === 2) throw new Error('database down');
    }, logger(), 'order-service');
    await task.runOnce();
    await task.runOnce();
    const runs = (await familyValues('orderline_timer_runs_total')).filter((v) => v.labels.timer === 'metered timer');
    expect(runs.map((v) => [v.labels.service, v.labels.outcome, v.value])).toEqual([
      ['order-service', 'ok', 1],
      ['order-service', 'failed', 1],
    ]);
    const durations = await familyValues('orderline_timer_run_duration_seconds');
    expect(durations.find((v) => v.labels.timer === 'metered timer' && v.metricName === 'orderline_timer_run_duration_seconds_count')?.value).toBe(2);
  });
});

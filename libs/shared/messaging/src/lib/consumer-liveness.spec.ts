import { ConsumerLiveness } from './consumer-liveness';

describe('ConsumerLiveness', () => {
  it('calls a consumer stuck once it is in its group, idle, and has not fetched for the allowance', () => {
    const liveness = new ConsumerLiveness(60_000, 0);
    expect(liveness.stalled(59_999, true)).toBe(false);
    expect(liveness.stalled(60_000, true)).toBe(true);
  });

  it('never calls a consumer stuck before it joined its group (KafkaJS is still joining or restarting it)', () => {
    const liveness = new ConsumerLiveness(60_000, 0);
    expect(liveness.stalled(600_000, false)).toBe(false);
  });

  it('counts every fetch, empty ones included, as progress', () => {
    const liveness = new ConsumerLiveness(60_000, 0);
    liveness.fetched(50_000);
    expect(liveness.stalled(100_000, true)).toBe(false);
    expect(liveness.stalled(110_000, true)).toBe(true);
  });

  it('never calls a consumer stuck while a batch is in hand (retries and outages keep it in a handler), and counts from the end of the batch', () => {
    const liveness = new ConsumerLiveness(60_000, 0);
    liveness.batchStarted();
    expect(liveness.stalled(600_000, true)).toBe(false);
    liveness.batchEnded(600_000);
    expect(liveness.stalled(659_999, true)).toBe(false);
    expect(liveness.stalled(660_000, true)).toBe(true);
  });

  it('gives a restarted consumer its whole allowance, with no batch in hand', () => {
    const liveness = new ConsumerLiveness(60_000, 0);
    liveness.batchStarted();
    liveness.restarted(100_000);
    expect(liveness.stalled(159_999, true)).toBe(false);
    expect(liveness.stalled(160_000, true)).toBe(true);
  });
});

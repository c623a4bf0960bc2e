import { PlacementPacing } from './placement-pacing';

/** A pacing on a clock the test moves (ms). */
function pacingAt(settings = { targetLagMs: 300, maxDelayMs: 2_000 }) {
  const clock = { ms: 10_000 };
  const samples: Array<[number, string]> = [];
  const pacing = new PlacementPacing(settings, (lagMs, outcome) => samples.push([lagMs, outcome]), () => clock.ms);
  /** This process places `id` now and sees it decided `lagMs` later. */
  const decidedAfter = (id: string, lagMs: number) => {
    pacing.placed(id);
    clock.ms += lagMs;
    pacing.decided(id, 'hold_placed');
  };
  return { pacing, clock, decidedAfter, samples };
}

describe('PlacementPacing (placements wait while credit decisions lag)', () => {
  it('lets placements through at once while decisions come within the target', () => {
    const { pacing, decidedAfter } = pacingAt();
    expect(pacing.delayMs()).toBe(0);
    for (let i = 0; i < 20; i++) decidedAfter(`o${i}`, 250);
    expect(pacing.delayMs()).toBe(0);
  });

  it('makes a placement wait the excess of the smoothed lag over the target, at most maxDelayMs', () => {
    const { pacing, decidedAfter } = pacingAt();
    decidedAfter('first', 800);
    // The first sample after a quiet spell is taken as it is: 800 − 300.
    expect(pacing.delayMs()).toBe(500);
    // Later samples move the smoothed lag a fifth of the way: 800 + 0.2 × (300 − 800) = 700.
    decidedAfter('second', 300);
    expect(pacing.delayMs()).toBe(400);
    for (let i = 0; i < 40; i++) decidedAfter(`slow${i}`, 900);
    expect(pacing.delayMs()).toBe(600);
    const capped = pacingAt({ targetLagMs: 300, maxDelayMs: 1_000 });
    capped.decidedAfter('very-late', 5_000);
    expect(capped.pacing.delayMs()).toBe(1_000);
  });

  it('forgets a lag no decision has confirmed for a second: a stopped credit-billing never blocks placement', () => {
    const { pacing, clock, decidedAfter } = pacingAt();
    decidedAfter('late', 2_000);
    expect(pacing.delayMs()).toBeGreaterThan(0);
    clock.ms += 1_001;
    expect(pacing.delayMs()).toBe(0);
  });

  it('takes samples only from orders this process placed and only once per order', () => {
    const { pacing, clock, decidedAfter, samples } = pacingAt();
    clock.ms += 5_000;
    pacing.decided('placed-by-another-instance', 'hold_placed');
    expect(pacing.state).toEqual({ smoothedLagMs: 0, awaiting: 0 });
    decidedAfter('mine', 400);
    clock.ms += 5_000;
    pacing.decided('mine', 'hold_placed'); // a redelivered decision: no second, longer sample
    expect(pacing.state.smoothedLagMs).toBe(400);
    // The metric sees the same samples, once each.
    expect(samples).toEqual([[400, 'hold_placed']]);
  });

  it('remembers a bounded number of placements: decisions that went to another instance are forgotten after a minute', () => {
    const { pacing, clock } = pacingAt();
    for (let i = 0; i < 100; i++) pacing.placed(`elsewhere${i}`);
    clock.ms += 60_001;
    pacing.placed('fresh');
    expect(pacing.state.awaiting).toBe(1);
    for (let i = 0; i < 10_050; i++) pacing.placed(`burst${i}`);
    expect(pacing.state.awaiting).toBe(10_000);
  });

  it('never makes a placement wait when switched off (target 0), and still measures the lag for the metric', () => {
    const { pacing, decidedAfter, samples } = pacingAt({ targetLagMs: 0, maxDelayMs: 2_000 });
    decidedAfter('late', 5_000);
    expect(pacing.delayMs()).toBe(0);
    expect(samples).toEqual([[5_000, 'hold_placed']]);
  });

  it('pace() waits the delay it announces', async () => {
    const settings = { targetLagMs: 1, maxDelayMs: 40 };
    const pacing = new PlacementPacing(settings);
    pacing.placed('a');
    await new Promise((resolve) => setTimeout(resolve, 60));
    pacing.decided('a', 'hold_placed');
    const started = performance.now();
    await pacing.pace();
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});

/**
 * Placements slow down while credit decisions lag (issue 19).
 *
 * A CREDIT order is answered as soon as it is stored, UNPAID; credit-billing's decision reaches
 * it asynchronously (OrderPlaced → hold → CreditHoldPlaced). When the machine is saturated the
 * HTTP path always has work while the decision path queues behind it, so without a brake the
 * queue of undecided orders grows to seconds (bench (c): place → held p50 2.6 s, p99 5 s) and
 * every buyer waits that long for a decision. Here each placement first waits for as long as
 * recent decisions arrived later than the target after their placement (at most `maxDelayMs`):
 * callers are slowed in proportion to the backlog, the decision path gets the CPU back, and the
 * lag settles near the target. Below the target nothing waits (half load never does).
 *
 * Off by default (`PLACEMENT_PACING_LAG_MS` = 0): on the bench's saturated two-core machine it
 * halved the decision wait (place → held p99 ~1.6 s against 3.4–4.4 s) but held ~10 % fewer
 * orders a second, because a standing backlog is what lets the decision path take its events
 * in large batches (tools/bench/README.md, "Placement pacing"). An operator who would rather
 * keep buyers' waits short than squeeze the last orders out of a full machine turns it on.
 *
 * The lag is sampled only for orders this process placed and then saw decided (real, monotonic
 * time: the platform clock can be moved by an operator); with several instances each sees a
 * share of the decisions, which is enough to follow the lag. A lag no decision has confirmed for
 * a second (`STALE_AFTER_MS`) counts for nothing, so a credit-billing that is down or slow to
 * start never blocks placement: its orders wait UNPAID and are decided when it is back. Overload
 * past the wait is the in-flight limit's to shed (503 + Retry-After, service-kit `inFlightLimit`).
 *
 * The same samples feed `orderline_credit_decision_seconds` (the module passes `onDecided`), so an
 * operator sees the wait whether pacing is on or off.
 *
 * No Nest and no TypeORM: `PlaceOrder` and `ApplyCreditDecision` share one instance.
 */
export interface PlacementPacingSettings {
  /** Decision lag (ms from placement to decision) above which placements wait; 0 = never. */
  targetLagMs: number;
  /** The longest a placement waits. */
  maxDelayMs: number;
}

export type CreditDecisionOutcome = 'hold_placed' | 'hold_declined';

/** Weight of the newest sample in the smoothed lag: ~the last 5–10 decisions count. */
const SMOOTHING = 0.2;
/** A lag not confirmed by a decision for this long is taken as gone. */
const STALE_AFTER_MS = 1_000;
/** Placements remembered while they await their decision; older or more are forgotten. */
const REMEMBER_MS = 60_000;
const REMEMBER_AT_MOST = 10_000;

export class PlacementPacing {
  /** orderId → when this process stored it (monotonic ms); insertion order is age order. */
  private readonly awaiting = new Map<string, number>();
  private smoothedLagMs = 0;
  private sampledAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly settings: PlacementPacingSettings,
    /** Told each sample (ms), for the metric. */
    private readonly onDecided: (lagMs: number, outcome: CreditDecisionOutcome) => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** How long the next placement waits now (ms; 0 = at once). */
  delayMs(): number {
    if (this.settings.targetLagMs <= 0) return 0;
    if (this.now() - this.sampledAt > STALE_AFTER_MS) return 0;
    const excess = this.smoothedLagMs - this.settings.targetLagMs;
    return excess <= 0 ? 0 : Math.min(Math.round(excess), this.settings.maxDelayMs);
  }

  /** Waits as `delayMs()` says before a placement. */
  async pace(): Promise<void> {
    const delay = this.delayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }

  /** An order this process stored (after its commit) whose decision will follow. */
  placed(orderId: string): void {
    const at = this.now();
    this.awaiting.set(orderId, at);
    for (const [id, placedAt] of this.awaiting) {
      if (this.awaiting.size <= REMEMBER_AT_MOST && at - placedAt <= REMEMBER_MS) break;
      this.awaiting.delete(id);
    }
  }

  /** Credit-billing decided an order: if this process placed it, its lag is a sample. */
  decided(orderId: string, outcome: CreditDecisionOutcome): void {
    const placedAt = this.awaiting.get(orderId);
    if (placedAt === undefined) return;
    this.awaiting.delete(orderId);
    const at = this.now();
    const lag = at - placedAt;
    this.smoothedLagMs = at - this.sampledAt > STALE_AFTER_MS ? lag : this.smoothedLagMs + SMOOTHING * (lag - this.smoothedLagMs);
    this.sampledAt = at;
    this.onDecided(lag, outcome);
  }

  /** For tests: the smoothed lag and the placements awaiting a decision (the metric takes `onDecided`). */
  get state(): { smoothedLagMs: number; awaiting: number } {
    return { smoothedLagMs: Math.round(this.smoothedLagMs), awaiting: this.awaiting.size };
  }
}

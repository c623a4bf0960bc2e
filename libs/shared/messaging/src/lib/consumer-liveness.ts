/**
 * Whether a Kafka consumer still makes progress. A KafkaJS consumer fetches at least once per
 * `maxWaitTimeInMs` (5 s, or its batch window) while it is in its group, even with nothing to
 * read; a consumer that stays in its group but neither fetches nor handles a batch for much
 * longer is stuck (seen once after the broker's SIGKILL and restart: in its group, lag growing,
 * nothing read for two minutes, nothing logged; KafkaJS issue #267 and its kin in other clients).
 * The transport restarts such a consumer. A handler that runs long (its retries, a database
 * outage) is progress: it keeps the group alive with heartbeats, and restarting would not help.
 */
export class ConsumerLiveness {
  private lastProgressAt: number;
  private handling = 0;

  constructor(
    /** How long without a fetch or a batch, in the group and idle, counts as stuck. */
    private readonly stallMs: number,
    now: number,
  ) {
    this.lastProgressAt = now;
  }

  /** A fetch request completed (with or without messages). */
  fetched(now: number): void {
    this.lastProgressAt = now;
  }

  batchStarted(): void {
    this.handling += 1;
  }

  batchEnded(now: number): void {
    this.handling = Math.max(0, this.handling - 1);
    this.lastProgressAt = now;
  }

  /** A new consumer took over: it has its whole allowance again. */
  restarted(now: number): void {
    this.handling = 0;
    this.lastProgressAt = now;
  }

  /** In the group, no batch in hand, and no fetch or batch for `stallMs`. */
  stalled(now: number, joined: boolean): boolean {
    return joined && this.handling === 0 && now - this.lastProgressAt >= this.stallMs;
  }
}

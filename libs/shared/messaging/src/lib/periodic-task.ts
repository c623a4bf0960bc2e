import { startTimerRun } from '@orderline/shared/metrics';
import { MessagingLogger } from './logger';

/**
 * The one timer loop of every service (order, logistics, after-sales and export timers, credit
 * statement runs): `tick` runs every `intervalMs` on an unref'd interval, never twice at once (a
 * slow tick swallows the beats it overlaps), a failed tick is logged and the next beat tries
 * again, and `stop` waits for the tick in progress so shutdown never cuts a transaction short.
 * What a tick does — claiming due rows with SKIP LOCKED, one subject per transaction through
 * `runIsolated` — is the caller's; the stored deadlines, not this interval, are the truth.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<unknown>,
    private readonly logger: MessagingLogger,
    /** The `service` label of the timer's metrics (embedded mode runs every service's timers in one process). */
    private readonly service = 'unknown',
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One tick now, unless one is already running (then its completion). */
  runOnce(): Promise<void> {
    if (this.running) return this.running;
    const finished = startTimerRun(this.service, this.name);
    this.running = this.tick()
      .then(() => finished('ok'))
      .catch((error) => {
        finished('failed');
        this.logger.error(`${this.name} failed; the next beat tries again`, { error: String((error as Error)?.message ?? error) });
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

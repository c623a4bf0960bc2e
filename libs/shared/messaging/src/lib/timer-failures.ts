import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per (job, subject) a timer failed on: attempts, the last error and when to try
 * again. A timer that works through many accounts or orders records a failure here and goes
 * on with the others, so one poisoned subject never stops the rest (dotnet/eShop keeps a
 * failed state per outbox row for the same reason). Operators read the table to see what
 * is stuck; a later success clears the row.
 */
export class CreateTimerFailures1764590000000 implements MigrationInterface {
  name = 'CreateTimerFailures1764590000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE timer_failure (
        job             text        NOT NULL,
        subject_id      text        NOT NULL,
        attempts        integer     NOT NULL,
        last_error      text        NOT NULL,
        first_failed_at timestamptz NOT NULL,
        last_failed_at  timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        PRIMARY KEY (job, subject_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE timer_failure`);
  }
}

export interface TimerFailure {
  job: string;
  subjectId: string;
  attempts: number;
  lastError: string;
  nextAttemptAt: Date;
}

/** Backoff of a failing subject: 1, 2, 4 … minutes on the platform clock, at most an hour. */
export function nextAttemptAfter(failedAt: Date, attempts: number): Date {
  const minutes = Math.min(60, 2 ** Math.max(0, attempts - 1));
  return new Date(failedAt.getTime() + minutes * 60_000);
}

/** Reads and writes `timer_failure` rows (the store behind every timer's failure isolation). */
export class TimerFailures {
  /** SQL condition excluding subjects in their backoff; `$now` is the platform time parameter. */
  static notBackingOff(job: string, subjectColumn: string, nowParameter: string): string {
    if (!/^[a-z-]+$/.test(job) || !/^[a-z_.]+$/.test(subjectColumn) || !/^\$\d+$/.test(nowParameter)) throw new Error('timer failure filter takes plain identifiers');
    return `NOT EXISTS (SELECT 1 FROM timer_failure f WHERE f.job = '${job}' AND f.subject_id = ${subjectColumn}::text AND f.next_attempt_at > ${nowParameter})`;
  }

  /** Recorded in its own transaction: the failed work was rolled back, its failure must stay. */
  static async record(dataSource: DataSource, job: string, subjectId: string, error: unknown, now: Date): Promise<TimerFailure> {
    const message = String((error as Error)?.message ?? error).slice(0, 2_000);
    const [row] = await dataSource.query(
      `INSERT INTO timer_failure (job, subject_id, attempts, last_error, first_failed_at, last_failed_at, next_attempt_at)
       VALUES ($1, $2, 1, $3, $4, $4, $5)
       ON CONFLICT (job, subject_id) DO UPDATE SET attempts = timer_failure.attempts + 1, last_error = EXCLUDED.last_error, last_failed_at = EXCLUDED.last_failed_at
       RETURNING attempts`,
      [job, subjectId, message, now, nextAttemptAfter(now, 1)],
    );
    const attempts = Number(row.attempts);
    const nextAttemptAt = nextAttemptAfter(now, attempts);
    await dataSource.query(`UPDATE timer_failure SET next_attempt_at = $3 WHERE job = $1 AND subject_id = $2`, [job, subjectId, nextAttemptAt]);
    return { job, subjectId, attempts, lastError: message, nextAttemptAt };
  }

  /** A subject that worked again is no longer failing (inside the work's own transaction). */
  static async clear(manager: EntityManager, job: string, subjectId: string): Promise<void> {
    await manager.query(`DELETE FROM timer_failure WHERE job = $1 AND subject_id = $2`, [job, subjectId]);
  }
}

export interface IsolatedRunOptions {
  /** The job's name in `timer_failure`. */
  job: string;
  dataSource: DataSource;
  /** The platform clock (the backoff counts platform time, so the test clock drives it). */
  now: () => Date;
  logger: { error(message: string, fields?: Record<string, unknown>): void };
  /** At most this many subjects per call (a tick calls again while work is left). */
  limit?: number;
}

/**
 * Works through due subjects one transaction each: `next` claims one subject (excluding those
 * in backoff with `TimerFailures.notBackingOff`), names it through `claimed`, does its work and
 * answers false when nothing is due. A subject whose work throws is recorded and skipped until
 * its backoff ends; the run goes on with the others. Returns how many subjects succeeded.
 */
export async function runIsolated(options: IsolatedRunOptions, next: (claimed: (subjectId: string) => void) => Promise<boolean>): Promise<number> {
  let done = 0;
  let attempts = 0;
  while (attempts < (options.limit ?? Number.POSITIVE_INFINITY)) {
    attempts += 1;
    let subjectId: string | undefined;
    try {
      if (!(await next((id) => (subjectId = id)))) break;
      done += 1;
    } catch (error) {
      // Without a claimed subject the run itself is failing (e.g. the database is away): stop and retry next tick.
      if (subjectId === undefined) throw error;
      const failure = await TimerFailures.record(options.dataSource, options.job, subjectId, error, options.now());
      options.logger.error(`${options.job} failed on one subject; the run goes on`, { subjectId, attempts: failure.attempts, nextAttemptAt: failure.nextAttemptAt.toISOString(), error: failure.lastError });
    }
  }
  return done;
}

import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Clock, overloadProblem, problem, sendProblem } from '@orderline/shared/service-kit';
import { runWithIdempotencyKey } from '../infra/service-client';
import { AccessTokens } from './access-tokens';

/** An Idempotency-Key: 1-255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** The methods whose answers are remembered under their key. */
export const IDEMPOTENT_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** Marks a stored answer sent again for its key (`true`): the request did not run again. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface StoredResponse {
  request_hash: string;
  state: 'IN_PROGRESS' | 'DONE';
  response_status: number | null;
  response_body: string | null;
  response_type: string | null;
}

/**
 * `Idempotency-Key` on state-changing requests (architecture.md "REST"): the first response
 * for an account's key is stored and replayed for the same request; the same key with a
 * different request is refused with 422; concurrent requests with one key wait for the
 * first and get its answer, so the effect runs once. A 5xx is not stored: the key may be
 * retried. Keys are kept for IDEMPOTENCY_TTL_HOURS.
 */
export function idempotencyMiddleware(deps: { dataSource: DataSource; tokens: AccessTokens; clock: Clock; ttlHours: number; leaseSeconds: number }) {
  return async (request: Request, response: Response, next: NextFunction) => {
    const key = request.header('idempotency-key');
    if (key === undefined || !IDEMPOTENT_METHODS.includes(request.method)) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) return sendProblem(response, problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-255 visible ASCII characters'));
    const claims = await deps.tokens.claimsOf(request.header('authorization'));
    // Without a valid token the route refuses the call anyway; nothing to remember.
    if (!claims) return next();

    const hash = createHash('sha256').update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
    const now = deps.clock.now();
    const run = () => runWithIdempotencyKey(key, () => runAndRemember(deps.dataSource, claims.sub, key, response, next));
    try {
      await deps.dataSource.query(`DELETE FROM idempotency_record WHERE account_id = $1 AND idempotency_key = $2 AND expires_at < $3`, [claims.sub, key, now]);
      const claimed = await deps.dataSource.query(
        `INSERT INTO idempotency_record (account_id, idempotency_key, request_hash, state, created_at, expires_at, claimed_until)
         VALUES ($1, $2, $3, 'IN_PROGRESS', $4, $5, $6) ON CONFLICT DO NOTHING RETURNING account_id`,
        [claims.sub, key, hash, now, new Date(now.getTime() + deps.ttlHours * 3_600_000), leaseEnd(deps.leaseSeconds)],
      );
      if (claimed.length === 1) return run();
      if ((await replay(deps.dataSource, claims.sub, key, hash, response, deps.leaseSeconds)) === 'TAKEN_OVER') return run();
    } catch {
      // Registered after the body parser's error handler: answer here rather than next(error).
      sendProblem(response, overloadProblem('the request could not be checked against its Idempotency-Key; retry shortly'));
    }
  };
}

function runAndRemember(dataSource: DataSource, accountId: string, key: string, response: Response, next: NextFunction): void {
  let body: string | undefined;
  const send = response.send.bind(response);
  response.send = ((payload?: unknown) => {
    if (body === undefined) body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : JSON.stringify(payload ?? null);
    return send(payload as never);
  }) as Response['send'];
  response.on('finish', () => {
    const done =
      response.statusCode >= 500
        ? dataSource.query(`DELETE FROM idempotency_record WHERE account_id = $1 AND idempotency_key = $2`, [accountId, key])
        : dataSource.query(
            `UPDATE idempotency_record SET state = 'DONE', response_status = $3, response_body = $4, response_type = $5 WHERE account_id = $1 AND idempotency_key = $2`,
            [accountId, key, response.statusCode, body ?? '', String(response.getHeader('content-type') ?? 'application/json')],
          );
    done.catch(() => undefined);
  });
  next();
}

/**
 * How long a claim holds (real time, not the test clock): longer than any request can run
 * (downstream calls time out after 15 s and are tried three times at most).
 */
function leaseEnd(leaseSeconds: number): Date {
  return new Date(Date.now() + leaseSeconds * 1_000);
}

/**
 * Answers a key already claimed: its stored answer, or a refusal. A claim whose lease ran out
 * belongs to a gateway that died with the request in hand (SIGKILL, crash): without this, the
 * key answered IN_PROGRESS until it expired (24 h), so the client could never learn the outcome
 * with it. The first retry past the lease takes the claim over and runs the request again —
 * what a retry after a 5xx does too (the 5xx answer drops the key).
 */
async function replay(dataSource: DataSource, accountId: string, key: string, hash: string, response: Response, leaseSeconds: number): Promise<'ANSWERED' | 'TAKEN_OVER'> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [stored]: StoredResponse[] = await dataSource.query(
      `SELECT request_hash, state, response_status, response_body, response_type FROM idempotency_record WHERE account_id = $1 AND idempotency_key = $2`,
      [accountId, key],
    );
    if (!stored) {
      sendProblem(response, problem(409, 'IDEMPOTENT_REQUEST_FAILED', 'the first request with this Idempotency-Key failed on our side; send it again'));
      return 'ANSWERED';
    }
    if (stored.request_hash !== hash) {
      sendProblem(response, problem(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request; use a new key for a new request'));
      return 'ANSWERED';
    }
    if (stored.state === 'DONE') {
      response.status(stored.response_status ?? 200).setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
      response.type(stored.response_type ?? 'application/json').send(stored.response_body ?? '');
      return 'ANSWERED';
    }
    // A SELECT around the UPDATE: TypeORM answers a bare UPDATE with [rows, count].
    const [{ taken }] = await dataSource.query(
      `WITH claim AS (
         UPDATE idempotency_record SET claimed_until = $3
          WHERE account_id = $1 AND idempotency_key = $2 AND state = 'IN_PROGRESS' AND (claimed_until IS NULL OR claimed_until < $4) RETURNING 1
       ) SELECT count(*)::int AS taken FROM claim`,
      [accountId, key, leaseEnd(leaseSeconds), new Date()],
    );
    if (taken === 1) return 'TAKEN_OVER';
    if (Date.now() > deadline) {
      sendProblem(response, problem(409, 'IDEMPOTENT_REQUEST_IN_PROGRESS', 'a request with this Idempotency-Key is still running; retry shortly'));
      return 'ANSWERED';
    }
    await sleep(50);
  }
}

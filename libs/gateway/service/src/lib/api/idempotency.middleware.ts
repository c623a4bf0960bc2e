import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { Clock, overloadProblem, problem, sendProblem } from '@orderline/shared/service-kit';
import { runWithIdempotencyKey } from '../infra/service-client';
import { claimsOf } from './auth.guard';

/** An Idempotency-Key: 1-255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** The methods whose answers are remembered under their key. */
export const IDEMPOTENT_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
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
export function idempotencyMiddleware(deps: { dataSource: DataSource; jwt: JwtService; clock: Clock; ttlHours: number }) {
  return async (request: Request, response: Response, next: NextFunction) => {
    const key = request.header('idempotency-key');
    if (key === undefined || !IDEMPOTENT_METHODS.includes(request.method)) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) return sendProblem(response, problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-255 visible ASCII characters'));
    const claims = await claimsOf(deps.jwt, request.header('authorization'));
    // Without a valid token the route refuses the call anyway; nothing to remember.
    if (!claims) return next();

    const hash = createHash('sha256').update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
    const now = deps.clock.now();
    try {
      await deps.dataSource.query(`DELETE FROM idempotency_record WHERE account_id = $1 AND idempotency_key = $2 AND expires_at < $3`, [claims.sub, key, now]);
      const claimed = await deps.dataSource.query(
        `INSERT INTO idempotency_record (account_id, idempotency_key, request_hash, state, created_at, expires_at)
         VALUES ($1, $2, $3, 'IN_PROGRESS', $4, $5) ON CONFLICT DO NOTHING RETURNING account_id`,
        [claims.sub, key, hash, now, new Date(now.getTime() + deps.ttlHours * 3_600_000)],
      );
      if (claimed.length === 1) return runWithIdempotencyKey(key, () => runAndRemember(deps.dataSource, claims.sub, key, response, next));
      await replay(deps.dataSource, claims.sub, key, hash, response);
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

async function replay(dataSource: DataSource, accountId: string, key: string, hash: string, response: Response): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [stored]: StoredResponse[] = await dataSource.query(
      `SELECT request_hash, state, response_status, response_body, response_type FROM idempotency_record WHERE account_id = $1 AND idempotency_key = $2`,
      [accountId, key],
    );
    if (!stored) return sendProblem(response, problem(409, 'IDEMPOTENT_REQUEST_FAILED', 'the first request with this Idempotency-Key failed on our side; send it again'));
    if (stored.request_hash !== hash) {
      return sendProblem(response, problem(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request; use a new key for a new request'));
    }
    if (stored.state === 'DONE') {
      response.status(stored.response_status ?? 200).setHeader('Idempotent-Replayed', 'true');
      response.type(stored.response_type ?? 'application/json').send(stored.response_body ?? '');
      return;
    }
    if (Date.now() > deadline) return sendProblem(response, problem(409, 'IDEMPOTENT_REQUEST_IN_PROGRESS', 'a request with this Idempotency-Key is still running; retry shortly'));
    await sleep(50);
  }
}

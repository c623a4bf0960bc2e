// The chaos loop's client of the public gateway API, behaving as a real client does while
// services die under it: a 5xx or a refused connection is retried with the same
// Idempotency-Key, and an answer that leaves the outcome unknown is resolved by reading the
// state again before sending the command once more. CommonJS so Jest can load it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class ChaosClientError extends Error {}

/**
 * One signed-in actor. `serverErrors` collects every 500 seen (a 500 is always a bug, even
 * when a retry later succeeds); 502/503/504 and refused connections are the dead-service
 * answers a client is expected to ride out.
 */
class ActorClient {
  constructor(baseUrl, token, shared) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.shared = shared;
  }

  /** Tokens and webhook secrets handed out, for the log-hygiene step of `npm test` (tools/test/log-hygiene.mjs). */
  noteSecrets(body) {
    if (!this.shared.secretsSeenFile || typeof body !== 'object' || body === null) return;
    const secrets = [body.accessToken, body.webhookSecret].filter((value) => typeof value === 'string');
    if (secrets.length === 0) return;
    fs.mkdirSync(path.dirname(this.shared.secretsSeenFile), { recursive: true });
    fs.appendFileSync(this.shared.secretsSeenFile, secrets.map((secret) => `${secret}\n`).join(''));
  }

  withToken(token) {
    return new ActorClient(this.baseUrl, token, this.shared);
  }

  /** One HTTP exchange; a network failure is answered as status 0. */
  async once(method, path, body, headers = {}) {
    try {
      const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      let parsed = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      this.noteSecrets(parsed);
      return { status: response.status, body: parsed, retryAfter: Number(response.headers.get('retry-after')) || 0 };
    } catch (error) {
      return { status: 0, body: { error: String(error?.cause?.code ?? error?.message ?? error) }, retryAfter: 0 };
    }
  }

  /**
   * Sends until the answer is not a dead-service answer (0, 502, 503, 504, 500, or 409 for a
   * key still in progress). A
   * state-changing call carries `key` as its Idempotency-Key on every attempt; before
   * each resend `settled()` (if given) reads the state and may answer for the command
   * (it was applied before the service died).
   */
  async send(method, path, body, { key, settled, headers = {}, timeoutMs = this.shared.commandTimeoutMs } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && settled) {
        const known = await settled().catch(() => undefined);
        if (known) return known;
      }
      last = await this.once(method, path, body, { ...headers, ...(key ? { 'idempotency-key': key } : {}) });
      if (last.status === 500) this.shared.serverErrors.push({ method, path, body: last.body });
      // The key's first request is still running, or failed on the platform's side: send it again.
      const keyBusy = last.status === 409 && ['IDEMPOTENT_REQUEST_IN_PROGRESS', 'IDEMPOTENT_REQUEST_FAILED'].includes(last.body?.code);
      if (![0, 500, 502, 503, 504].includes(last.status) && !keyBusy) return last;
      if (last.status === 429) await sleep(1_000 * (last.retryAfter || 1));
      if (Date.now() > deadline) throw new ChaosClientError(`${method} ${path} did not get an answer within ${timeoutMs} ms (last: ${last.status} ${JSON.stringify(last.body)})`);
      // Retry-After when the platform asked for it, else a short backoff (a restart takes seconds).
      await sleep(Math.min(last.retryAfter ? last.retryAfter * 1000 : 250 * 2 ** Math.min(attempt, 3), 2_000));
    }
  }

  /** `send` that insists on one of `statuses` (a number or an array). */
  async expect(statuses, method, path, body, options) {
    const wanted = Array.isArray(statuses) ? statuses : [statuses];
    const answer = await this.send(method, path, body, options);
    if (!wanted.includes(answer.status)) throw new ChaosClientError(`${method} ${path} answered ${answer.status}, expected ${wanted.join('/')}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  get(path) {
    return this.expect(200, 'GET', path);
  }

  /** Polls GET `path` until `ready(body)` holds (states, never fixed times). */
  async waitFor(path, ready, what, timeoutMs = this.shared.stateTimeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      const answer = await this.send('GET', path, undefined, { timeoutMs: Math.max(deadline - Date.now(), 1_000) });
      last = answer.body;
      if (answer.status === 200 && ready(answer.body)) return answer.body;
      if (Date.now() > deadline) throw new ChaosClientError(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 300)})`);
      await sleep(200);
    }
  }

  async login(username, password) {
    const { accessToken } = await this.expect(200, 'POST', '/auth/token', { username, password });
    return this.withToken(accessToken);
  }
}

module.exports = { ActorClient, ChaosClientError, sleep };

/**
 * KafkaJS 2.2.4 (its last release) keeps every broker connection's request queue in a timer loop
 * that never ends: `checkPendingRequests` always calls `scheduleCheckPendingRequests`, which with
 * no request waiting and no throttling computes a negative delay (`throttledUntil` is -1) and
 * sets a timer for it — Node runs that after 1 ms, and the callback starts the next round.
 * About a thousand wake-ups a second per connection (producer, admin, each consumer's group
 * coordinator and fetch connections), all for nothing: tulios/kafkajs#1556 and #1704, fixed in
 * the unmerged pull request #1667. It was most of each idle service's CPU (tools/bench/README.md).
 *
 * The fix keeps KafkaJS's rule and drops the empty rounds: a check is scheduled only when a
 * request waits (after the throttle if there is one, else after the 10 ms KafkaJS uses) or while
 * the broker throttles the client. Nothing is lost by not polling an empty queue: a request that
 * has to wait is queued by `push`, which schedules its own check, and every response or
 * time-out of a request in flight checks the queue again (`fulfillRequest`, `timeout`).
 *
 * Applied once, to the class KafkaJS itself loads, and only to the version it was written
 * against: another version is left as it is (the unit test then fails, so an upgrade is looked at).
 */

/** The KafkaJS release whose request queue this replaces a method of. */
const KAFKAJS_VERSION_PATCHED = '2.2.4';
/** KafkaJS's own interval for a queue whose requests wait on in-flight limits (`CHECK_PENDING_REQUESTS_INTERVAL`). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

const PATCHED = Symbol.for('orderline.kafkajs.requestQueue.noIdleLoop');

function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && untilUnthrottled <= 0) return;
  const delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
}

/** KafkaJS's request queue class (the module its connections load). */
export function kafkajsRequestQueue(): { prototype: RequestQueueInternals } & (new (options: Record<string, unknown>) => RequestQueueInternals) {
  return require('kafkajs/src/network/requestQueue');
}

/** Replaces the request queue's scheduling once; true when the installed KafkaJS is the patched one. */
export function stopKafkajsIdleLoop(): boolean {
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== KAFKAJS_VERSION_PATCHED) return false;
  const prototype = kafkajsRequestQueue().prototype as RequestQueueInternals & { [PATCHED]?: true };
  if (!prototype[PATCHED]) {
    prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
    prototype[PATCHED] = true;
  }
  return true;
}

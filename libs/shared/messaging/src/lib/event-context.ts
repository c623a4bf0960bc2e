import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where the current work came from: the correlation id of the user action (HTTP header
 * `x-correlation-id`, or the incoming event's) and the event that caused it. Events written
 * to the outbox inherit both; the JSON logger prints the correlation id on every line.
 */
export interface EventContext {
  correlationId: string;
  causationId?: string | null;
}

const storage = new AsyncLocalStorage<EventContext>();

export function runWithEventContext<T>(context: EventContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentEventContext(): EventContext | undefined {
  return storage.getStore();
}

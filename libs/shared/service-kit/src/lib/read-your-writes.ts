import { BaseServiceConfig } from './config';
import { INTERNAL_TOKEN_HEADER } from './headers';
import { encodePrincipal, Principal, PRINCIPAL_HEADER } from './principal';
import { DomainError, overloadRetryAfter } from './problem';

/**
 * Read-your-writes across services (issue 13 item 3). A service's copy of another service's
 * facts is written only by events, so it may lag what a user already saw. Before refusing a
 * command for a fact that may still arrive, the service asks the owner of the fact
 * (`readFromOwner`); if the owner says the command is fine, it waits for its copy to catch up
 * (`awaitCaughtUp`) instead of answering a spurious 409 / 404.
 */

/** GET `path` on another service with the caller's identity and the internal token; undefined when it cannot tell. */
export async function readFromOwner<T>(baseUrl: string | undefined, path: string, caller: Principal, config: BaseServiceConfig): Promise<T | undefined> {
  if (!baseUrl) return undefined;
  const headers: Record<string, string> = { accept: 'application/json', [PRINCIPAL_HEADER]: encodePrincipal(caller) };
  if (config.INTERNAL_API_TOKEN) headers[INTERNAL_TOKEN_HEADER] = config.INTERNAL_API_TOKEN;
  try {
    const response = await fetch(baseUrl + path, { headers, signal: AbortSignal.timeout(5_000) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Polls `stillLagging` (which returns the ids whose copy is still behind) until none is left;
 * past `timeoutMs` answers 503 ORDER_FACTS_CATCHING_UP with Retry-After: the command is right,
 * the copy is late, so the caller should simply send it again.
 */
export async function awaitCaughtUp(ids: string[], stillLagging: (ids: string[]) => Promise<string[]>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waiting = ids;
  for (let pause = 20; waiting.length > 0; pause = Math.min(pause * 2, 250)) {
    if (Date.now() >= deadline) {
      throw new DomainError('ORDER_FACTS_CATCHING_UP', 503, 'this service is still receiving the latest changes of the order; try again shortly', {
        retryAfterSeconds: overloadRetryAfter(),
        orderIds: waiting,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    waiting = await stillLagging(waiting);
  }
}

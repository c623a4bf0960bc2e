import { Inject, Injectable } from '@nestjs/common';
import { encodePrincipal, INTERNAL_TOKEN_HEADER, Principal, PRINCIPAL_HEADER, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { LogisticsServiceConfig } from '../logistics-config';

/**
 * Asks the order service — the owner of an order's status — what it says now, with the
 * caller's identity (so a merchant sees only its own orders) and the internal token.
 * Used only when logistics' own copy (built from events) may be behind.
 */
@Injectable()
export class OrderServiceReader {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: LogisticsServiceConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.ORDER_SERVICE_URL);
  }

  /** The order's status as the order service sees it; undefined when it cannot tell (not found, not allowed, unreachable). */
  async status(orderId: string, caller: Principal): Promise<string | undefined> {
    if (!this.config.ORDER_SERVICE_URL) return undefined;
    const headers: Record<string, string> = { accept: 'application/json', [PRINCIPAL_HEADER]: encodePrincipal(caller) };
    if (this.config.INTERNAL_API_TOKEN) headers[INTERNAL_TOKEN_HEADER] = this.config.INTERNAL_API_TOKEN;
    try {
      const response = await fetch(`${this.config.ORDER_SERVICE_URL}/orders/${encodeURIComponent(orderId)}`, { headers, signal: AbortSignal.timeout(5_000) });
      if (!response.ok) return undefined;
      const order = (await response.json()) as { status?: unknown };
      return typeof order.status === 'string' ? order.status : undefined;
    } catch {
      return undefined;
    }
  }
}

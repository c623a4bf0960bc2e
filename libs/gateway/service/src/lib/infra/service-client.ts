import { Inject, Injectable } from '@nestjs/common';
import { currentEventContext } from '@orderline/shared/messaging';
import { CORRELATION_HEADER, encodePrincipal, ForwardedProblem, INTERNAL_TOKEN_HEADER, Principal, PRINCIPAL_HEADER, problem, ProblemDetails, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';

export type Downstream = 'order' | 'credit-billing' | 'logistics' | 'after-sales' | 'export';

/**
 * HTTP calls from the gateway to the services that own the data. The caller's identity
 * travels in a header; a service's problem+json answer is passed on unchanged.
 */
@Injectable()
export class ServiceClient {
  private readonly baseUrls: Record<Downstream, string>;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: GatewayConfig) {
    this.baseUrls = {
      order: config.ORDER_SERVICE_URL,
      'credit-billing': config.CREDIT_BILLING_SERVICE_URL,
      logistics: config.LOGISTICS_SERVICE_URL,
      'after-sales': config.AFTER_SALES_SERVICE_URL,
      export: config.EXPORT_SERVICE_URL,
    };
  }

  services(): Downstream[] {
    return Object.keys(this.baseUrls) as Downstream[];
  }

  async call<T>(service: Downstream, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, principal: Principal | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const correlationId = currentEventContext()?.correlationId;
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    if (principal) headers[PRINCIPAL_HEADER] = encodePrincipal(principal);
    if (this.config.INTERNAL_API_TOKEN) headers[INTERNAL_TOKEN_HEADER] = this.config.INTERNAL_API_TOKEN;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.baseUrls[service] + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    } catch {
      throw new ForwardedProblem(problem(503, 'SERVICE_UNAVAILABLE', `the ${service} service is not reachable; try again shortly`));
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const upstream = parsed as ProblemDetails | undefined;
      if (upstream && typeof upstream.code === 'string' && typeof upstream.status === 'number') throw new ForwardedProblem(upstream);
      throw new ForwardedProblem(problem(502, 'BAD_GATEWAY', `the ${service} service answered ${response.status}`));
    }
    return parsed as T;
  }

  /** Readiness of one service (its database and the event bus). */
  async health(service: Downstream): Promise<boolean> {
    try {
      const response = await fetch(this.baseUrls[service] + '/health', { signal: AbortSignal.timeout(3_000) });
      return response.ok;
    } catch {
      return false;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamicModule, Provider } from '@nestjs/common';
import { ALL_EVENTS, EVENT_FLOWS, ServiceName } from '@orderline/shared/contracts';
import type { EventHandlerBinding } from '@orderline/shared/messaging';
import { EVENT_HANDLERS, ServiceModuleOptions } from '@orderline/shared/service-kit';
import { AfterSalesServiceModule } from '@orderline/after-sales/service';
import { CreditBillingServiceModule } from '@orderline/credit-billing/service';
import { ExportServiceModule } from '@orderline/export/service';
import { GatewayModule } from '@orderline/gateway/service';
import { LogisticsServiceModule } from '@orderline/logistics/service';
import { OrderServiceModule } from '@orderline/order/service';

const root = join(__dirname, '..', '..');

/** Each deployable: its Nest module as the apps register it, and the libs folder of its code. */
const SERVICES: Record<ServiceName, { register: (options: any) => DynamicModule; libs: string }> = {
  gateway: { register: (options) => GatewayModule.register(options), libs: 'libs/gateway' },
  'order-service': { register: (options) => OrderServiceModule.register(options), libs: 'libs/order' },
  'logistics-service': { register: (options) => LogisticsServiceModule.register(options), libs: 'libs/logistics' },
  'after-sales-service': { register: (options) => AfterSalesServiceModule.register(options), libs: 'libs/after-sales' },
  'credit-billing-service': { register: (options) => CreditBillingServiceModule.register(options), libs: 'libs/credit-billing' },
  'export-service': { register: (options) => ExportServiceModule.register(options), libs: 'libs/export' },
};

const config = { JWT_SECRET: 'x'.repeat(32), TEST_CLOCK: '0', NODE_ENV: 'test', INTERNAL_API_TOKEN: 'event-flows-spec-token' };
const logger = { component: () => logger, emit: () => undefined };

/**
 * The event types a service's consumer really handles: the EVENT_HANDLERS provider of its
 * module, called the way Nest would, with stand-ins for the injected classes (building the
 * bindings only reads their methods; no handler runs).
 */
function consumedBy(service: ServiceName): string[] {
  const module = SERVICES[service].register({ config, logger } as unknown as ServiceModuleOptions);
  const provider = (module.providers ?? []).find((candidate: Provider) => typeof candidate === 'object' && 'provide' in candidate && candidate.provide === EVENT_HANDLERS) as
    | { useFactory: (...args: unknown[]) => EventHandlerBinding[]; inject?: unknown[] }
    | undefined;
  if (!provider) return [];
  const args = (provider.inject ?? []).map((token) => (typeof token === 'function' ? Object.create((token as Function).prototype) : config));
  return [...new Set(provider.useFactory(...args).map((binding) => binding.definition.type))].sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The event types a service's code publishes through its outbox (`scope.publish(Event, …)`, or `outgoing(Event, …)` handed to applyTransition). */
function publishedBy(service: ServiceName): string[] {
  const types = new Set<string>();
  for (const file of sourceFiles(join(root, SERVICES[service].libs))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:\.publish|\boutgoing)\(\s*([A-Z][A-Za-z]+)\s*,/g)) types.add(match[1]);
  }
  return [...types].sort();
}

describe('EVENT_FLOWS (the declared producers and consumers) matches the code', () => {
  it('declares every registry event', () => {
    expect(Object.keys(EVENT_FLOWS).sort()).toEqual(ALL_EVENTS.map((definition) => definition.type).sort());
  });

  for (const service of Object.keys(SERVICES) as ServiceName[]) {
    it(`${service}: consumers as registered in its module, producers as published in its code`, () => {
      const declared = Object.entries(EVENT_FLOWS);
      expect(consumedBy(service)).toEqual(declared.filter(([, flow]) => flow.consumers.includes(service)).map(([type]) => type).sort());
      expect(publishedBy(service)).toEqual(declared.filter(([, flow]) => flow.producer === service).map(([type]) => type).sort());
    });
  }
});

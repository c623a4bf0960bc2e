import { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { ALL_TOPICS, buildEnvelope, EVENT_HEADERS, EventDefinition, EventEnvelope, sealPersonalData } from '@orderline/shared/contracts';
import { InProcessTransport } from '@orderline/shared/messaging';
import { BaseServiceConfig, JsonLogger, loadConfig, personalDataSecret, ServiceModuleOptions } from '@orderline/shared/service-kit';

export interface EmbeddedServiceOptions<C extends BaseServiceConfig> {
  name: string;
  register: (options: ServiceModuleOptions) => DynamicModule;
  configClass: new () => C;
  /** Settings on top of the embedded defaults (e.g. a short poll interval). */
  env?: Record<string, string>;
}

/**
 * One service as embedded mode runs it (apps/platform): its real Nest module on a PGlite of
 * its own, on the in-process bus, without HTTP or Kafka. For the handler tier: tests drive
 * the use cases by their public methods, feed events in through the bus as another service
 * would publish them, and read what the service published from the bus.
 */
export class EmbeddedService {
  private readonly seen: EventEnvelope<Record<string, unknown>>[] = [];

  private constructor(
    readonly app: INestApplicationContext,
    readonly bus: InProcessTransport,
    private readonly database: ChildProcess,
    readonly name: string,
    readonly config: BaseServiceConfig,
  ) {}

  static async start<C extends BaseServiceConfig>(options: EmbeddedServiceOptions<C>): Promise<EmbeddedService> {
    const database = await startPglite();
    const logLevel = (process.env.HANDLER_TEST_LOG_LEVEL as 'warn') ?? 'warn';
    const bus = new InProcessTransport({ logger: new JsonLogger('bus', logLevel).component('in-process-bus') });
    const config = loadConfig(options.configClass, {
      KAFKA_BROKERS: 'in-process:0',
      LOG_LEVEL: logLevel,
      OUTBOX_POLL_INTERVAL_MS: '100',
      TEST_CLOCK: '1',
      INTERNAL_API_TOKEN: randomBytes(24).toString('hex'),
      PERSONAL_DATA_KEY: randomBytes(32).toString('hex'),
      PORT: '0',
      DATABASE_URL: `postgres://postgres@${database.address}/postgres`,
      ...options.env,
    });
    const logger = new JsonLogger(options.name, logLevel);
    const app = await NestFactory.createApplicationContext(options.register({ config, logger, transport: bus, embeddedDatabase: true }), { logger: false, abortOnError: false });
    await app.init();
    const service = new EmbeddedService(app, bus, database.process, options.name, config);
    await bus.subscribe({
      groupId: `handler-test-${options.name}`,
      topics: [...ALL_TOPICS],
      handle: async (messages) => {
        for (const message of messages) service.seen.push(JSON.parse(message.value?.toString('utf8') ?? 'null'));
      },
    });
    return service;
  }

  get<T>(type: Type<T>): T {
    return this.app.get(type, { strict: false });
  }

  /** Publishes an event onto the bus as its producing service's outbox relay would. */
  async publish<P extends object>(definition: EventDefinition<P>, payload: P, occurredAt = new Date()): Promise<EventEnvelope<P>> {
    const envelope = buildEnvelope({ type: definition.type, version: definition.version, producer: 'handler-test', aggregateId: definition.keyOf(payload), payload, occurredAt });
    await this.bus.publish([{ topic: definition.topic, key: definition.keyOf(payload), value: JSON.stringify(envelope), headers: { [EVENT_HEADERS.eventType]: definition.type } }]);
    return envelope;
  }

  /** Personal data sealed as the producing service seals it into an event (e.g. OrderPlaced's consignee). */
  seal(data: unknown): string {
    return sealPersonalData(data, personalDataSecret(this.config));
  }

  /** The events of this type seen on the bus so far (the service's own, relayed from its outbox, and the test's). */
  published<P extends object>(definition: EventDefinition<P>): EventEnvelope<P>[] {
    return this.seen.filter((envelope) => envelope.type === definition.type) as unknown as EventEnvelope<P>[];
  }

  /** Waits until the service has published an event of this type that matches, and returns it. */
  async event<P extends object>(definition: EventDefinition<P>, matches: (payload: P) => boolean = () => true, timeoutMs = 20_000): Promise<EventEnvelope<P>> {
    return eventually(() => this.published(definition).find((envelope) => matches(envelope.payload)), `a ${definition.type} event`, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.bus.drained(5_000);
    await this.app.close();
    await this.bus.close();
    const exited = once(this.database, 'exit');
    this.database.stdin?.end();
    await exited;
  }
}

/** Starts pglite-server.mjs (beside this file) and reads the address it serves on. */
async function startPglite(): Promise<{ process: ChildProcess; address: string }> {
  const child = spawn(process.execPath, [join(__dirname, 'pglite-server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  const address = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`pglite-server exited with ${code} before serving`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('\n')) resolve(output.trim());
    });
  });
  return { process: child, address };
}

/** Polls `probe` until it returns a value (not undefined/false), or fails naming what it waited for. */
export async function eventually<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}${lastError ? `; last error: ${(lastError as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

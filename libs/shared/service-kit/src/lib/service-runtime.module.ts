import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ALL_TOPICS, createEventRegistry, EventRegistry } from '@orderline/shared/contracts';
import { DeadLetters, EventConsumer, EventHandlerBinding, KafkaTransport, MessageTransport, OutboxRelay, PeriodicTask, purgeProcessedMessages, retentionCutoff, UnitOfWork } from '@orderline/shared/messaging';
import { createServiceDataSource, openServiceDatabase } from '@orderline/shared/persistence';
import { Clock, SystemClock } from './clock';
import { BaseServiceConfig } from './config';
import { DeadLetterAdminController } from './dead-letter-admin';
import { OutboxAdminController } from './outbox-admin';
import { HealthController } from './health.controller';
import { addServiceMetricsSource } from './service-metrics';
import { restoreTestClock, TestClockController } from './test-clock';
import { JsonLogger } from './json-logger';
import { APP_LOGGER, EVENT_HANDLERS, MESSAGE_TRANSPORT, PLATFORM_CLOCK, SERVICE_CONFIG, SERVICE_NAME } from './tokens';

export interface ServiceRuntimeOptions {
  /** e.g. `order-service`: the outbox producer name and the consumer group id. */
  serviceName: string;
  config: BaseServiceConfig;
  logger: JsonLogger;
  entities: Function[];
  migrations: Function[];
  /** Embedded mode passes its in-process bus; otherwise Kafka from KAFKA_BROKERS. */
  transport?: MessageTransport;
  /**
   * Embedded mode: the database is a PGlite behind a socket. It exists already, has one
   * instance of the service, and takes one connection: pglite-socket interleaves the
   * extended-protocol messages of concurrent connections outside transactions.
   */
  embeddedDatabase?: boolean;
  clock?: Clock;
  /**
   * Serve the internal `/health` and, with TEST_CLOCK=1, `/admin/clock` (default true; the
   * gateway serves public, aggregated versions of both).
   */
  internalEndpoints?: boolean;
  /**
   * The consumer group (default: the service name). A read model that can be rebuilt keys
   * its group to its database, so a fresh database replays every topic from the beginning.
   */
  consumerGroupId?: (dataSource: DataSource) => Promise<string>;
  /** The consumer's batch window, for a service whose events can wait (SubscribeOptions.batchWindowMs). */
  consumerBatchWindowMs?: number;
  /**
   * For a service that consumes both events someone waits on and events nobody waits on (the
   * order service: `CreditHoldPlaced` on `credit.v1` answers a buyer, after-sales and logistics
   * events do not). These topics go to a second group, `<group>.batched` (batchedGroupOf), with
   * this batch window, so they reach the service in a few fetches a second while the main group
   * still takes its topics at once. The two groups share the main group's inbox, and the second
   * took its topics over from the main group's committed positions (SubscribeOptions.takesOverFrom),
   * so moving a topic here neither replays nor skips an event.
   */
  batchedTopics?: { topics: readonly string[]; batchWindowMs: number };
}

/** The second consumer group of a service with `batchedTopics`. */
export function batchedGroupOf(groupId: string): string {
  return `${groupId}.batched`;
}

/** What a service module's `register()` takes: the runtime options minus what the service itself knows. */
export type ServiceModuleOptions = Omit<ServiceRuntimeOptions, 'serviceName' | 'entities' | 'migrations'>;

/**
 * Starts and stops the messaging parts in the right order: on start, topics → relay →
 * consumer; on shutdown, the consumer stops taking events and finishes the one in hand,
 * the relay publishes what is committed, then connections close.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private consumers: EventConsumer[] = [];
  private retention?: PeriodicTask;
  private removeMetricsSource?: () => void;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly relay: OutboxRelay,
    private readonly unitOfWork: UnitOfWork,
    private readonly registry: EventRegistry,
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetters,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
    @Inject(SERVICE_NAME) private readonly serviceName: string,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    @Inject('OWNS_TRANSPORT') private readonly ownsTransport: boolean,
    @Inject('CONSUMER_GROUP_ID') private readonly consumerGroupId: string,
    @Inject('CONSUMER_BATCH_WINDOW_MS') private readonly consumerBatchWindowMs: number,
    @Inject('BATCHED_TOPICS') private readonly batchedTopics: ServiceRuntimeOptions['batchedTopics'] | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.transport.ensureTopics(ALL_TOPICS);
    this.relay.start();
    let handlers: EventHandlerBinding[] = [];
    try {
      handlers = this.moduleRef.get<EventHandlerBinding[]>(EVENT_HANDLERS, { strict: false });
    } catch {
      handlers = [];
    }
    const consumerOf = (groupId: string, bindings: EventHandlerBinding[], batchWindowMs: number, takesOverFrom?: string) =>
      new EventConsumer({
        groupId,
        inboxName: this.consumerGroupId,
        takesOverFrom,
        transport: this.transport,
        registry: this.registry,
        unitOfWork: this.unitOfWork,
        handlers: bindings,
        retryPolicy: { maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS, baseDelayMs: this.config.CONSUMER_RETRY_BASE_MS, maxDelayMs: Math.max(5_000, this.config.CONSUMER_RETRY_BASE_MS) },
        logger: this.logger.component('consumer'),
        service: this.serviceName,
        batchWindowMs,
      });
    const batched = this.batchedTopics;
    const isBatched = (binding: EventHandlerBinding) => batched?.topics.includes(binding.definition.topic) ?? false;
    // The batched group starts first: it takes its topics over from the main group's positions.
    this.consumers = [
      ...(batched ? [consumerOf(batchedGroupOf(this.consumerGroupId), handlers.filter(isBatched), batched.batchWindowMs, this.consumerGroupId)] : []),
      consumerOf(this.consumerGroupId, handlers.filter((binding) => !isBatched(binding)), this.consumerBatchWindowMs),
    ];
    for (const consumer of this.consumers) await consumer.start();
    const consumerGroups = () => this.consumers.map((consumer) => ({ groupId: consumer.groupId, topics: consumer.topics() })).filter(({ topics }) => topics.length > 0);
    // The groups' own dead letters, for the operator's list and re-drive (docs/refund-loop-and-catch-up.md).
    await this.deadLetters.start(consumerGroups().flatMap(({ topics }) => topics));
    this.removeMetricsSource = addServiceMetricsSource({ serviceName: this.serviceName, dataSource: this.dataSource, relay: this.relay, transport: this.transport, consumerGroups });
    this.logger.emit('info', 'messaging started', 'runtime', { bus: this.transport.kind, consumes: Object.fromEntries(consumerGroups().map(({ groupId, topics }) => [groupId, topics])) });
    this.startRetention();
  }

  /**
   * RETENTION_DAYS > 0: processed outbox and inbox rows older than that are deleted now and
   * then (the same code as `orderline purge`). Published_at and processed_at are the
   * database's real time, so the cut-off is real time too, never the movable platform clock.
   */
  private startRetention(): void {
    const days = this.config.RETENTION_DAYS;
    if (!days) return;
    const log = this.logger.component('retention');
    this.retention = new PeriodicTask(
      'retention',
      this.config.RETENTION_INTERVAL_MS,
      async () => {
        const purged = await purgeProcessedMessages(this.dataSource, retentionCutoff(new Date(), days));
        if (purged.outboxRows + purged.inboxRows > 0) log.log('processed messages purged', { ...purged, days });
      },
      log,
    );
    this.retention.start();
  }

  /** The event consumers are running and have joined their groups (readiness, health.controller.ts). */
  consumerJoined(): boolean {
    return this.consumers.length > 0 && this.consumers.every((consumer) => consumer.joined());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.retention?.stop();
    this.removeMetricsSource?.();
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.deadLetters.stop();
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ownsTransport) await this.transport.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.emit('info', 'stopped', 'runtime');
  }
}

@Global()
@Module({})
export class ServiceRuntimeModule {
  static forRoot(options: ServiceRuntimeOptions): DynamicModule {
    const { config, logger } = options;
    const transportProvided = options.transport !== undefined;
    return {
      module: ServiceRuntimeModule,
      controllers: options.internalEndpoints === false ? [] : [HealthController, OutboxAdminController, DeadLetterAdminController, ...(config.TEST_CLOCK === '1' ? [TestClockController] : [])],
      providers: [
        { provide: SERVICE_NAME, useValue: options.serviceName },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: APP_LOGGER, useValue: logger },
        { provide: PLATFORM_CLOCK, useValue: options.clock ?? new SystemClock() },
        { provide: 'OWNS_TRANSPORT', useValue: !transportProvided },
        { provide: EventRegistry, useFactory: () => createEventRegistry() },
        {
          provide: MESSAGE_TRANSPORT,
          useFactory: () =>
            options.transport ??
            new KafkaTransport({
              brokers: config.KAFKA_BROKERS.split(','),
              clientId: options.serviceName,
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              partitions: config.KAFKA_TOPIC_PARTITIONS,
              sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
              logger: logger.component('kafka'),
            }),
        },
        {
          provide: DataSource,
          useFactory: async (clock: Clock) => {
            const dataSource = createServiceDataSource({
              url: config.DATABASE_URL,
              entities: options.entities,
              migrations: options.migrations,
              poolSize: options.embeddedDatabase ? 1 : config.DATABASE_POOL_SIZE,
              acquireTimeoutMs: config.DATABASE_ACQUIRE_TIMEOUT_MS,
              // PGlite behind its socket runs one statement at a time; a server-side timeout is for PostgreSQL.
              statementTimeoutMs: options.embeddedDatabase ? undefined : config.DATABASE_STATEMENT_TIMEOUT_MS,
              // Behind pglite-socket every connection shares one session, where prepared names would collide.
              preparedStatements: !options.embeddedDatabase && config.DATABASE_PREPARED_STATEMENTS === 'on',
              pipelining: !options.embeddedDatabase && config.DATABASE_PIPELINING === 'on',
              applicationName: options.serviceName,
              log: logger.component('database'),
            });
            const server = !options.embeddedDatabase;
            const opened = await openServiceDatabase(dataSource, config.DATABASE_URL, { createIfMissing: server, lockMigrations: server });
            // Before anything reads the time: a restarted process resumes the platform's test clock.
            if (config.TEST_CLOCK === '1' && clock instanceof SystemClock) await restoreTestClock(opened, clock);
            return opened;
          },
          inject: [PLATFORM_CLOCK],
        },
        {
          provide: OutboxRelay,
          useFactory: (dataSource: DataSource, transport: MessageTransport) =>
            new OutboxRelay({
              dataSource,
              transport,
              producer: options.serviceName,
              pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
              lingerMs: config.OUTBOX_LINGER_MS,
              maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
              preparedStatements: !options.embeddedDatabase && config.DATABASE_PREPARED_STATEMENTS === 'on',
              logger: logger.component('outbox-relay'),
            }),
          inject: [DataSource, MESSAGE_TRANSPORT],
        },
        {
          provide: UnitOfWork,
          useFactory: (dataSource: DataSource, registry: EventRegistry, relay: OutboxRelay, clock: Clock) =>
            new UnitOfWork({ dataSource, registry, producer: options.serviceName, now: () => clock.now(), onEventsCommitted: () => relay.wake() }),
          inject: [DataSource, EventRegistry, OutboxRelay, PLATFORM_CLOCK],
        },
        {
          provide: 'CONSUMER_GROUP_ID',
          useFactory: (dataSource: DataSource) => (options.consumerGroupId ? options.consumerGroupId(dataSource) : options.serviceName),
          inject: [DataSource],
        },
        { provide: 'CONSUMER_BATCH_WINDOW_MS', useValue: options.consumerBatchWindowMs ?? 0 },
        { provide: 'BATCHED_TOPICS', useValue: options.batchedTopics ?? null },
        {
          provide: DeadLetters,
          useFactory: (transport: MessageTransport, unitOfWork: UnitOfWork, groupId: string) =>
            new DeadLetters({ groupId, otherGroupIds: options.batchedTopics ? [batchedGroupOf(groupId)] : [], transport, unitOfWork, logger: logger.component('dead-letters') }),
          inject: [MESSAGE_TRANSPORT, UnitOfWork, 'CONSUMER_GROUP_ID'],
        },
        MessagingLifecycle,
      ],
      exports: [MessagingLifecycle, SERVICE_NAME, SERVICE_CONFIG, APP_LOGGER, PLATFORM_CLOCK, EventRegistry, MESSAGE_TRANSPORT, DataSource, OutboxRelay, UnitOfWork, DeadLetters],
    };
  }
}

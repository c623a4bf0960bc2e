import { Gauge } from 'prom-client';
import { metricsRegistry } from './metrics-registry';

/** A partition a consumer group reads, and how far behind the end of the log it is. */
export interface ConsumerLagSample {
  group: string;
  topic: string;
  partition: number;
  /** Messages between the group's committed position and the partition's end. */
  lag: number;
}

/**
 * Values that are read, not counted: a service's outbox, bus positions, pool and queues are
 * sampled when Prometheus scrapes, so the figures are as fresh as the scrape and cost nothing
 * between scrapes. A source fills the parts it knows.
 */
export interface ServiceSample {
  outbox?: { backlog: number; oldestUnpublishedAgeSeconds: number; parked: number };
  consumerLag?: ConsumerLagSample[];
  pool?: { total: number; idle: number; waiting: number };
  exportQueue?: { queued: number; running: number };
}

export type SampleSource = () => Promise<ServiceSample>;

const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers: [metricsRegistry] });

const outboxBacklog = gauge('orderline_outbox_backlog_rows', 'Committed outbox rows the relay can publish now (parked rows and the rows they hold back excluded).', ['service']);
const outboxOldestAge = gauge('orderline_outbox_oldest_unpublished_age_seconds', 'Age of the oldest committed outbox row not yet published (0 when none).', ['service']);
const outboxParked = gauge('orderline_outbox_parked_rows', 'Outbox rows parked after repeated publish failures, waiting for an operator re-drive.', ['service']);
const consumerLag = gauge('orderline_consumer_lag_messages', "Messages between a consumer group's committed position and the end of the partition.", ['service', 'group', 'topic', 'partition']);
const poolConnections = gauge('orderline_db_pool_connections', 'Database pool: `total` open connections, `idle` ones, and callers `waiting` for one.', ['service', 'state']);
const exportQueue = gauge('orderline_export_queue_depth', 'Export tasks `queued` (waiting for the runner) and `running`.', ['service', 'state']);
const sourceUp = gauge('orderline_metrics_source_up', '1 when the last scrape could read the source, 0 when it failed or timed out (its gauges are then absent).', ['service', 'source']);

const SCRAPE_GAUGES = [outboxBacklog, outboxOldestAge, outboxParked, consumerLag, poolConnections, exportQueue, sourceUp];

const sources = new Map<string, { service: string; name: string; read: SampleSource }>();

/** Registers a source for `service`; the returned function removes it (its series disappear at the next scrape). */
export function addSampleSource(service: string, name: string, read: SampleSource): () => void {
  const key = `${service}\u0000${name}`;
  sources.set(key, { service, name, read });
  return () => {
    if (sources.get(key)?.read === read) sources.delete(key);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`metrics source timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function record(service: string, sample: ServiceSample): void {
  if (sample.outbox) {
    outboxBacklog.set({ service }, sample.outbox.backlog);
    outboxOldestAge.set({ service }, sample.outbox.oldestUnpublishedAgeSeconds);
    outboxParked.set({ service }, sample.outbox.parked);
  }
  for (const row of sample.consumerLag ?? []) consumerLag.set({ service, group: row.group, topic: row.topic, partition: String(row.partition) }, row.lag);
  if (sample.pool) for (const state of ['total', 'idle', 'waiting'] as const) poolConnections.set({ service, state }, sample.pool[state]);
  if (sample.exportQueue) for (const state of ['queued', 'running'] as const) exportQueue.set({ service, state }, sample.exportQueue[state]);
}

let sampling: Promise<void> | undefined;

/**
 * Reads every source (in parallel, each bounded by `timeoutMs`) and replaces the sampled
 * gauges, so a stopped service's series vanish instead of freezing at their last value.
 * Concurrent scrapes share one sampling.
 */
export function sampleAll(timeoutMs = 5_000): Promise<void> {
  sampling ??= (async () => {
    const results = await Promise.all(
      [...sources.values()].map(async (source) => {
        try {
          return { source, sample: await withTimeout(source.read(), timeoutMs) };
        } catch {
          return { source, sample: undefined };
        }
      }),
    );
    for (const metric of SCRAPE_GAUGES) metric.reset();
    for (const { source, sample } of results) {
      sourceUp.set({ service: source.service, source: source.name }, sample ? 1 : 0);
      if (sample) record(source.service, sample);
    }
  })().finally(() => (sampling = undefined));
  return sampling;
}

/** The Prometheus text exposition of the process, sampled sources included. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  await sampleAll();
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The one Prometheus registry of the process. Families are created once, at module load, and
 * every series carries a `service` label: in embedded mode (one process, several services) each
 * service writes its own series into this registry instead of registering the families again
 * (prom-client refuses a second registration of a name).
 */
export const metricsRegistry = new Registry();

let processLabel: string | undefined;

/**
 * How often the event-loop lag is sampled, in ms. prom-client's default (10 ms) is a libuv timer
 * that wakes every process 100 times a second whether or not it has work: ~6 ms of CPU per second
 * in each process, a third of an idle service's CPU (issue 19, tools/bench/README.md).
 * Sampled every 100 ms the lag series keep their names and meaning, with fewer samples.
 */
export const EVENT_LOOP_LAG_SAMPLE_MS = 100;

/**
 * Node's process metrics (CPU, memory, event-loop lag, GC, handles) under their usual names
 * (`process_*`, `nodejs_*`, as community dashboards expect), labelled with the process's service
 * (`platform` in embedded mode). The first call wins: one process, one set of process metrics.
 */
export function collectProcessMetrics(service: string): void {
  if (processLabel !== undefined) return;
  processLabel = service;
  collectDefaultMetrics({ register: metricsRegistry, labels: { service }, eventLoopMonitoringPrecision: EVENT_LOOP_LAG_SAMPLE_MS });
}

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] });

/** Seconds, 5 ms to 30 s: requests sit at the low end, timer ticks (a statement run, an export claim) reach the high end. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const latencyHistogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [metricsRegistry] });

export const httpRequests = counter('orderline_http_requests_total', 'HTTP requests answered, by route template (never the raw path) and status code.', ['service', 'method', 'route', 'status']);

export const httpRequestDuration = latencyHistogram('orderline_http_request_duration_seconds', 'Time from the request arriving to the response being sent, by route template.', ['service', 'method', 'route']);

const outboxPublished = counter('orderline_outbox_published_total', 'Outbox rows the relay published to the bus, by topic.', ['service', 'topic']);

const outboxPublishFailures = counter('orderline_outbox_publish_failures_total', 'Failed relay publishes: `bus_unavailable` (the whole batch waits) or `row_refused` (one row counts an attempt; parked at the limit).', ['service', 'reason']);

const eventsApplied = counter('orderline_consumer_events_applied_total', 'Events applied through the inbox (duplicates excluded), by consumer group and event type.', ['service', 'group', 'event_type']);

const eventsRetried = counter('orderline_consumer_events_retried_total', 'Failed attempts to apply an event that will be retried (database outages excluded), by source topic.', ['service', 'group', 'topic']);

const eventsDeadLettered = counter('orderline_consumer_events_dead_lettered_total', 'Events sent to `<topic>.dlq` after their last attempt, by source topic.', ['service', 'group', 'topic']);

const timerRuns = counter('orderline_timer_runs_total', 'Ticks of a periodic task, by outcome (`ok` or `failed`).', ['service', 'timer', 'outcome']);

const timerRunDuration = latencyHistogram('orderline_timer_run_duration_seconds', 'Duration of one tick of a periodic task.', ['service', 'timer']);

const creditDecisionWait = latencyHistogram('orderline_credit_decision_seconds', "Time from a CREDIT order's placement to credit-billing's decision reaching it, for the orders the observing instance placed.", ['service', 'decision']);

const exportRows = counter('orderline_export_rows_total', 'Rows written into export files, by export type (rate() gives rows per second).', ['service', 'export_type']);

/** What the outbox relay reports (libs/shared/messaging outbox-relay.ts). */
export const outboxMetrics = {
  published(service: string, topics: readonly string[]): void {
    const counts = new Map<string, number>();
    for (const topic of topics) counts.set(topic, (counts.get(topic) ?? 0) + 1);
    for (const [topic, count] of counts) outboxPublished.inc({ service, topic }, count);
  },
  failed(service: string, reason: 'bus_unavailable' | 'row_refused'): void {
    outboxPublishFailures.inc({ service, reason });
  },
};

/** What the inbox consumer reports (libs/shared/messaging event-consumer.ts). */
export const consumerMetrics = {
  applied(service: string, group: string, eventType: string): void {
    eventsApplied.inc({ service, group, event_type: eventType });
  },
  retried(service: string, group: string, topic: string): void {
    eventsRetried.inc({ service, group, topic });
  },
  deadLettered(service: string, group: string, topic: string): void {
    eventsDeadLettered.inc({ service, group, topic });
  },
};

/** Starts timing one tick; the returned function records its outcome and duration. */
export function startTimerRun(service: string, timer: string): (outcome: 'ok' | 'failed') => void {
  const stopClock = timerRunDuration.startTimer({ service, timer });
  return (outcome) => {
    stopClock();
    timerRuns.inc({ service, timer, outcome });
  };
}

/** How long a buyer waited for a credit decision (the order service, libs/order placement-pacing.ts). */
export function observeCreditDecision(service: string, decision: 'hold_placed' | 'hold_declined', seconds: number): void {
  creditDecisionWait.observe({ service, decision }, seconds);
}

export function countExportRows(service: string, exportType: string, rows: number): void {
  if (rows > 0) exportRows.inc({ service, export_type: exportType }, rows);
}

/** The current values of one family (its `_bucket` / `_count` / `_sum` lines for a histogram), for tests and tools. */
export async function familyValues(name: string): Promise<Array<{ labels: Partial<Record<string, string | number>>; value: number; metricName?: string }>> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric family ${name}`);
  return (await metric.get()).values;
}

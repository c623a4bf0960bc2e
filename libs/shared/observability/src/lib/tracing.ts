/**
 * Starts OpenTelemetry tracing for one process, configured by the standard `OTEL_*`
 * variables (docs/observability.md#traces). Called by the preload tools/runtime/tracing.js
 * before the app loads Nest, express or pg, so the instrumentations patch them as they load.
 *
 * The SDK is required lazily: when tracing is off nothing of it is loaded, and what remains is
 * the `traceparent` columns and headers (null) and no-op spans of @opentelemetry/api.
 */

export interface TracingDecision {
  enabled: boolean;
  /** Why (printed once at start-up). */
  reason: string;
  serviceName: string;
  exporter: 'otlp' | 'console';
}

export interface TracingOptions {
  /** service.name when OTEL_SERVICE_NAME is unset (the app's folder name). */
  defaultServiceName: string;
  /**
   * Embedded mode (`npm start`) traces only when asked with OTEL_SDK_DISABLED=false: one
   * process wearing every service's name is rarely what a collector should receive by accident.
   */
  embedded?: boolean;
}

type Env = Record<string, string | undefined>;

/** Whether and how this process traces, from its environment alone (pure; unit-tested). */
export function decideTracing(env: Env, options: TracingOptions): TracingDecision {
  const serviceName = env['OTEL_SERVICE_NAME']?.trim() || options.defaultServiceName;
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? 'otlp')
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .filter(Boolean);
  const exporter = exporters.includes('console') && !exporters.includes('otlp') ? 'console' : 'otlp';
  const off = (reason: string): TracingDecision => ({ enabled: false, reason, serviceName, exporter });
  const disabled = env['OTEL_SDK_DISABLED']?.trim().toLowerCase();
  if (disabled === 'true') return off('OTEL_SDK_DISABLED=true');
  if (exporters.length === 0 || exporters.includes('none')) return off('OTEL_TRACES_EXPORTER=none');
  if (options.embedded && disabled !== 'false') return off('embedded mode traces only with OTEL_SDK_DISABLED=false');
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  // No collector named: tracing stays off rather than sending to localhost:4318 and logging failures.
  if (exporter === 'otlp' && !endpoint) return off('no OTEL_EXPORTER_OTLP_ENDPOINT');
  return { enabled: true, reason: exporter === 'otlp' ? `exporting to ${endpoint}` : 'exporting to the console', serviceName, exporter };
}

/** Paths polled by health checks and scrapers: a span each would bury the traces worth reading. */
const UNTRACED_PATHS = /^\/(api\/v1\/)?(health|metrics)(\/|\?|$)/;

let started = false;
/** The tracer provider once tracing started, and its shutdown once asked for. */
let tracerProvider: { shutdown(): Promise<void> } | undefined;
let providerShutdown: Promise<void> | undefined;

/**
 * Exports the spans still waiting in the batch and stops the tracer provider, waiting at most
 * `timeoutMs` (an unreachable collector must not hold a stopping process). Without it the
 * spans of a process's last moments (the batch exports every OTEL_BSP_SCHEDULE_DELAY, 5 s by
 * default) die with it. A no-op when tracing is off; later calls wait for the same shutdown.
 */
export function stopTracing(timeoutMs = 3_000): Promise<void> {
  if (!tracerProvider) return Promise.resolve();
  providerShutdown ??= tracerProvider.shutdown().catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  return Promise.race([providerShutdown, gaveUp]).finally(() => clearTimeout(timer));
}

/** What `stopTracingOnSignals` needs of `process` (a test passes an emitter of its own). */
export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: () => void): unknown;
  listenerCount(signal: NodeJS.Signals): number;
  kill(pid: number, signal: NodeJS.Signals): unknown;
  pid: number;
}

/**
 * Flushes the spans on SIGTERM / SIGINT once the app has stopped, then lets the signal end the
 * process. The app stops first: Nest's shutdown hooks (runService) close the HTTP server and
 * the consumers, producing the last spans, then remove their listener and raise the signal
 * again. So this listener waits while another one is still registered, and acts on the signal
 * it then receives alone. A process without a handler of its own is flushed at once.
 */
export function stopTracingOnSignals(target: SignalTarget = process, stop: () => Promise<void> = stopTracing): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = () => {
      if (target.listenerCount(signal) > 1) return;
      target.removeListener(signal, onSignal);
      void stop()
        .catch(() => undefined)
        .then(() => target.kill(target.pid, signal));
    };
    target.on(signal, onSignal);
  }
}

/** Starts tracing when the environment asks for it; returns the decision. Idempotent. */
export function startTracing(options: TracingOptions, env: Env = process.env): TracingDecision {
  const decision = decideTracing(env, options);
  if (!decision.enabled || started) return decision;
  // Required here, not imported at the top: loaded only when tracing is on.
  const { NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const exporter =
    decision.exporter === 'console'
      ? new ConsoleSpanExporter()
      : // Reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _TIMEOUT itself; sends OTLP/HTTP JSON.
        new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  // OTEL_TRACES_SAMPLER(_ARG) and OTEL_BSP_* are read by the SDK; OTEL_RESOURCE_ATTRIBUTES by envDetector.
  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ 'service.name': decision.serviceName })),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // Registers the async-hooks context manager and the W3C trace-context + baggage propagator.
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''), requireParentforOutgoingSpans: true }),
      // The gateway calls the services over node:http (the instrumentation above gives the client
      // span and its traceparent header) and downloads export files with fetch (undici): the same
      // here. Readiness probes of the services run outside any request and stay untraced.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // Only queries inside a traced request or event: the relay's and timers' polling would
      // otherwise start a trace every second.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  tracerProvider = provider;
  stopTracingOnSignals();
  started = true;
  return decision;
}

import { Attributes, context, Context, createTraceState, isSpanContextValid, ROOT_CONTEXT, Span, SpanContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) as the outbox stores it and the
 * bus carries it. Formatted and parsed here, not through the global propagator: with tracing
 * off no propagator is registered, and an outbox row written then must still read back the
 * same way once tracing is on.
 */
export const TRACE_HEADERS = { traceparent: 'traceparent', tracestate: 'tracestate' } as const;

/** What an outbox row keeps of the span that wrote its event (both null when nothing traced it). */
export interface TraceCarrier {
  traceparent: string | null;
  tracestate: string | null;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export function formatTraceparent(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The remote span context a `traceparent` (and `tracestate`) names, or undefined when the value
 * is absent or malformed: a broken header starts a new trace instead of failing the message.
 */
export function parseTraceparent(traceparent: string | null | undefined, tracestate?: string | null): SpanContext | undefined {
  const match = TRACEPARENT.exec((traceparent ?? '').trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is invalid; version 00 has exactly four fields (later versions may append more).
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
  if (!isSpanContextValid(spanContext)) return undefined;
  if (tracestate) spanContext.traceState = createTraceState(tracestate);
  return spanContext;
}

/** The carrier of the span active in `ctx` (default: the current one). */
export function traceCarrierOf(ctx: Context = context.active()): TraceCarrier {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return { traceparent: null, tracestate: null };
  return { traceparent: formatTraceparent(spanContext), tracestate: spanContext.traceState?.serialize() || null };
}

/** Message headers (or an outbox row) that may name a parent span. */
export interface TraceHeaders {
  traceparent?: string | null;
  tracestate?: string | null;
}

/** Message headers for a carrier: only the fields it has. */
export function traceHeadersOf(carrier: TraceCarrier): Record<string, string> {
  const headers: Record<string, string> = {};
  if (carrier.traceparent) headers[TRACE_HEADERS.traceparent] = carrier.traceparent;
  if (carrier.traceparent && carrier.tracestate) headers[TRACE_HEADERS.tracestate] = carrier.tracestate;
  return headers;
}

/** `base` with the remote parent the headers name; `base` itself when they name none. */
export function contextFromHeaders(headers: TraceHeaders, base: Context = ROOT_CONTEXT): Context {
  const parent = parseTraceparent(headers.traceparent, headers.tracestate);
  return parent ? trace.setSpanContext(base, parent) : base;
}

/** The trace id of the current span, for log lines (undefined when nothing is traced). */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** Spans of the event bus. Without a registered SDK these are no-op spans that cost next to nothing. */
const tracer = () => trace.getTracer('@orderline/messaging');

function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error).slice(0, 500) });
  }
  span.end();
}

/** A message on its way to the bus: its producer span and the headers that name it. */
export interface SendSpan {
  headers: Record<string, string>;
  end(error?: unknown): void;
}

/**
 * A producer span, child of the span that wrote the event (the outbox row's carrier); the
 * message carries this span as the consumers' parent. Without tracing the headers are the
 * stored carrier unchanged.
 */
export function startSendSpan(name: string, stored: TraceCarrier, attributes: Attributes): SendSpan {
  const span = tracer().startSpan(name, { kind: SpanKind.PRODUCER, attributes }, contextFromHeaders(stored));
  const carrier = span.isRecording() ? traceCarrierOf(trace.setSpan(ROOT_CONTEXT, span)) : stored;
  return { headers: traceHeadersOf(carrier), end: (error) => endSpan(span, error) };
}

/**
 * Runs `work` inside a consumer span whose parent is the message's `traceparent`; whatever
 * `work` does (queries, events it writes to the outbox) joins the producer's trace.
 */
export async function inConsumeSpan<T>(name: string, headers: TraceHeaders, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  const span = tracer().startSpan(name, { kind: SpanKind.CONSUMER, attributes }, contextFromHeaders(headers));
  try {
    const result = await context.with(trace.setSpan(context.active(), span), work);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

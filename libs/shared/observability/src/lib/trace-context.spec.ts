import { context, propagation, ROOT_CONTEXT, SpanContext, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { activeTraceId, contextFromHeaders, formatTraceparent, inConsumeSpan, parseTraceparent, startSendSpan, traceCarrierOf, traceHeadersOf } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('W3C traceparent', () => {
  it('parses and formats back the same header, flags and tracestate included', () => {
    const parsed = parseTraceparent(TRACEPARENT, 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7') as SpanContext;
    expect(parsed).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(parsed.traceState?.get('congo')).toBe('t61rcWkgMzE');
    expect(formatTraceparent(parsed)).toBe(TRACEPARENT);
    expect(formatTraceparent({ ...parsed, traceFlags: TraceFlags.NONE })).toBe(`00-${TRACE_ID}-${SPAN_ID}-00`);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['not hex', `00-${TRACE_ID.replace('4', 'g')}-${SPAN_ID}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with an extra field', `${TRACEPARENT}-extra`],
    ['upper case', TRACEPARENT.toUpperCase()],
  ])('refuses a malformed header (%s): a new trace starts instead', (_, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
    expect(contextFromHeaders({ traceparent: header })).toBe(ROOT_CONTEXT);
  });

  it('accepts a later version with more fields, as the spec asks', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-more`)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
  });

  it('carries the span of a context, and nothing when there is none', () => {
    const spanContext: SpanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED };
    expect(traceCarrierOf(trace.setSpanContext(ROOT_CONTEXT, spanContext))).toEqual({ traceparent: TRACEPARENT, tracestate: null });
    expect(traceCarrierOf(ROOT_CONTEXT)).toEqual({ traceparent: null, tracestate: null });
    expect(traceHeadersOf({ traceparent: null, tracestate: 'a=b' })).toEqual({});
    expect(traceHeadersOf({ traceparent: TRACEPARENT, tracestate: 'a=b' })).toEqual({ traceparent: TRACEPARENT, tracestate: 'a=b' });
    expect(trace.getSpanContext(contextFromHeaders({ traceparent: TRACEPARENT }))).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
  });
});

describe('bus spans without a tracing SDK', () => {
  it('pass the stored carrier through unchanged and cost no trace of their own', async () => {
    const send = startSendSpan('send OrderPlaced', { traceparent: TRACEPARENT, tracestate: null }, {});
    expect(send.headers).toEqual({ traceparent: TRACEPARENT });
    send.end();
    expect(startSendSpan('send OrderPlaced', { traceparent: null, tracestate: null }, {}).headers).toEqual({});
    await expect(inConsumeSpan('process OrderPlaced', { traceparent: TRACEPARENT }, {}, async () => 42)).resolves.toBe(42);
  });
});

describe('bus spans with a tracing SDK', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  // What startTracing registers (async-hooks context, W3C propagator), with spans kept in memory.
  beforeAll(() => provider.register());
  afterAll(async () => {
    trace.disable();
    context.disable();
    propagation.disable();
    await provider.shutdown();
  });
  beforeEach(() => exporter.reset());

  it('chain outbox row → producer span → headers → consumer span → the next outbox row', async () => {
    const send = startSendSpan('send OrderPlaced', { traceparent: TRACEPARENT, tracestate: 'vendor=x' }, { 'messaging.destination.name': 'orders.v1' });
    send.end();
    const [producer] = exporter.getFinishedSpans();
    expect(producer.spanContext().traceId).toBe(TRACE_ID);
    expect(producer.parentSpanContext?.spanId).toBe(SPAN_ID);
    expect(send.headers).toEqual({ traceparent: `00-${TRACE_ID}-${producer.spanContext().spanId}-01`, tracestate: 'vendor=x' });

    const written = await inConsumeSpan('process OrderPlaced', send.headers, {}, async () => {
      expect(activeTraceId()).toBe(TRACE_ID);
      return traceCarrierOf();
    });
    const consumer = exporter.getFinishedSpans()[1];
    expect(consumer.name).toBe('process OrderPlaced');
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(written.traceparent).toBe(`00-${TRACE_ID}-${consumer.spanContext().spanId}-01`);
    expect(activeTraceId()).toBeUndefined();
  });

  it('record a failure on the span and let it propagate', async () => {
    await expect(inConsumeSpan('process OrderPlaced', {}, {}, async () => Promise.reject(new Error('credit line locked')))).rejects.toThrow('credit line locked');
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toMatchObject({ code: 2, message: 'credit line locked' });
    expect(span.parentSpanContext).toBeUndefined();
    startSendSpan('send OrderPlaced', { traceparent: null, tracestate: null }, {}).end(new Error('broker refused'));
    expect(exporter.getFinishedSpans()[1].status.code).toBe(2);
  });
});

import { EventEmitter } from 'node:events';
import { decideTracing, SignalTarget, stopTracing, stopTracingOnSignals } from './tracing';

const SERVICE = { defaultServiceName: 'order-service' };
const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };

describe('decideTracing', () => {
  it('is off when no collector is named: nothing of the SDK loads', () => {
    expect(decideTracing({}, SERVICE)).toMatchObject({ enabled: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT' });
  });

  it('is on for a service once an endpoint is named, under its own name unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(decideTracing(ENDPOINT, SERVICE)).toMatchObject({ enabled: true, serviceName: 'order-service', exporter: 'otlp' });
    expect(decideTracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces', OTEL_SERVICE_NAME: 'orders-eu' }, SERVICE)).toMatchObject({ enabled: true, serviceName: 'orders-eu' });
  });

  it('honours OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none', () => {
    expect(decideTracing({ ...ENDPOINT, OTEL_SDK_DISABLED: 'true' }, SERVICE).enabled).toBe(false);
    expect(decideTracing({ ...ENDPOINT, OTEL_SDK_DISABLED: 'TRUE' }, SERVICE).enabled).toBe(false);
    expect(decideTracing({ ...ENDPOINT, OTEL_TRACES_EXPORTER: 'none' }, SERVICE).enabled).toBe(false);
  });

  it('traces to the console without a collector when asked', () => {
    expect(decideTracing({ OTEL_TRACES_EXPORTER: 'console' }, SERVICE)).toMatchObject({ enabled: true, exporter: 'console' });
  });

  it('stays off in embedded mode unless OTEL_SDK_DISABLED=false asks for it', () => {
    const embedded = { defaultServiceName: 'platform', embedded: true };
    expect(decideTracing(ENDPOINT, embedded).enabled).toBe(false);
    expect(decideTracing({ ...ENDPOINT, OTEL_SDK_DISABLED: 'false' }, embedded)).toMatchObject({ enabled: true, serviceName: 'platform' });
    expect(decideTracing({ OTEL_SDK_DISABLED: 'false' }, embedded).enabled).toBe(false);
  });
});

/** A process stand-in: signals are emitted by hand, `kill` records what would end the process. */
function fakeProcess(): SignalTarget & { emitter: EventEmitter; killed: NodeJS.Signals[] } {
  const emitter = new EventEmitter();
  const killed: NodeJS.Signals[] = [];
  return {
    emitter,
    killed,
    pid: 4242,
    on: (signal, listener) => emitter.on(signal, listener),
    removeListener: (signal, listener) => emitter.removeListener(signal, listener),
    listenerCount: (signal) => emitter.listenerCount(signal),
    kill: (_pid, signal) => killed.push(signal),
  };
}

describe('stopTracingOnSignals', () => {
  const flushed = () => new Promise((resolve) => setImmediate(resolve));

  it('waits for the app to stop (Nest re-raises the signal once its hooks ran), then flushes and lets the signal end the process', async () => {
    const target = fakeProcess();
    const order: string[] = [];
    stopTracingOnSignals(target, async () => void order.push('flush'));
    // Nest's handler, registered after the preload's: it stops the app, removes itself and re-raises.
    const nest = () => {
      order.push('app stopped');
      target.emitter.removeListener('SIGTERM', nest);
      target.emitter.emit('SIGTERM');
    };
    target.emitter.on('SIGTERM', nest);

    target.emitter.emit('SIGTERM');
    await flushed();
    expect(order).toEqual(['app stopped', 'flush']);
    expect(target.killed).toEqual(['SIGTERM']);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });

  it('flushes at once in a process with no handler of its own', async () => {
    const target = fakeProcess();
    let flushes = 0;
    stopTracingOnSignals(target, async () => void flushes++);
    target.emitter.emit('SIGINT');
    await flushed();
    expect({ flushes, killed: target.killed }).toEqual({ flushes: 1, killed: ['SIGINT'] });
  });

  it('still ends the process when the flush fails', async () => {
    const target = fakeProcess();
    stopTracingOnSignals(target, () => Promise.reject(new Error('collector unreachable')));
    target.emitter.emit('SIGTERM');
    await flushed();
    expect(target.killed).toEqual(['SIGTERM']);
  });
});

describe('stopTracing', () => {
  it('is a no-op while tracing is off', async () => {
    await expect(stopTracing()).resolves.toBeUndefined();
  });
});

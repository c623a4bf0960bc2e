import { decideTracing } from './tracing';

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

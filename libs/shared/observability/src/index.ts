export * from './lib/trace-context';
export * from './lib/tracing';

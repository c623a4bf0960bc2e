export * from './lib/veto';
export * from './lib/process-definition';
export * from './lib/decide';

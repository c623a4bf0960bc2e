export * from './lib/metrics-registry';
export * from './lib/scrape-samples';
export * from './lib/http-metrics';

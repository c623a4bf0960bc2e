export * from './lib/place-order.request';
export * from './lib/fact-owners.request';

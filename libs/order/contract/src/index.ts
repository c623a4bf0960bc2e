export * from './lib/place-order.request';
export * from './lib/catalog.request';
export * from './lib/fact-owners.request';
export * from './lib/order.views';
export * from './lib/compensation';

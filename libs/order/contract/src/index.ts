export * from './lib/place-order.request';
export * from './lib/catalog.request';

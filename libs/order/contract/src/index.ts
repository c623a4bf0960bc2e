export * from './lib/place-order.request';

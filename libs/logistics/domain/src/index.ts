export * from './lib/veto';
export * from './lib/platform-day';
export * from './lib/shipment-receipt-facts';
export * from './lib/auto-confirm-table';
export * from './lib/auto-confirm-timer';
export * from './lib/receipt-extension';
export * from './lib/manual-receipt-confirmation';

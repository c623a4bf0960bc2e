// Code lists more than one library checks values against: one declaration each.
export * from './lib/payment-methods';
export * from './lib/credit-plans';

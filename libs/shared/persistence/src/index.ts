export * from './lib/combined-writes';
export * from './lib/database';
export * from './lib/entity-rows';
export * from './lib/fen-column';
export * from './lib/prepared-statements';
export * from './lib/statement-shape-logger';
export * from './lib/transaction-lock';

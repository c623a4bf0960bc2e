export * from './lib/database';
export * from './lib/fen-column';

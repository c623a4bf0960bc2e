export * from './lib/fen';

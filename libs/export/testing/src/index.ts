export * from './lib/zip-reader';

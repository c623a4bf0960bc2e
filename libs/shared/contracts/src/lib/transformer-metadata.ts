import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';

/**
 * class-transformer's metadata (the `@Type()` targets of nested payload parts, and its other
 * decorators), kept in a storage its typings do not export. Read by the event schema generator
 * (asyncapi.ts) and by `instantiatePayload` (payload-instances.ts).
 */
export const transformerMetadata = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage }).defaultMetadataStorage;

/** True in the embedded platform: one database connection, so no long-held cursor. */
export const EXPORT_EMBEDDED = Symbol('EXPORT_EMBEDDED');

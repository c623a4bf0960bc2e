/** The logging the messaging code needs; the service kit passes its JSON logger in. */
export interface MessagingLogger {
  log(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: MessagingLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

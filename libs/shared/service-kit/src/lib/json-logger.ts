import { LoggerService } from '@nestjs/common';
import { currentEventContext, MessagingLogger } from '@orderline/shared/messaging';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevelName = keyof typeof LEVELS;

/**
 * One JSON object per line on stdout, with the service, the component and the current
 * correlation id. Personal data (names, phones, addresses) is never passed to the logger.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minimum: LogLevelName = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  emit(level: LogLevelName, message: unknown, context?: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < LEVELS[this.minimum]) return;
    const correlationId = currentEventContext()?.correlationId;
    const record: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(context ? { context } : {}),
      ...(correlationId ? { correlationId } : {}),
      msg: message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message),
      ...fields,
    };
    this.write(JSON.stringify(record));
  }

  log(message: unknown, context?: string): void {
    this.emit('info', message, typeof context === 'string' ? context : undefined);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.emit('error', message, context ?? (stackOrContext && !stackOrContext.includes('\n') ? stackOrContext : undefined), stackOrContext?.includes('\n') ? { stack: stackOrContext } : undefined);
  }
  warn(message: unknown, context?: string): void {
    this.emit('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.emit('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.emit('debug', message, context);
  }

  /** A logger for one component, with structured fields instead of Nest's context string. */
  component(name: string): MessagingLogger {
    return {
      log: (message, fields) => this.emit('info', message, name, fields),
      warn: (message, fields) => this.emit('warn', message, name, fields),
      error: (message, fields) => this.emit('error', message, name, fields),
    };
  }
}

import { LoggerService } from '@nestjs/common';
import { currentEventContext, MessagingLogger } from '@orderline/shared/messaging';
import { activeTraceId } from '@orderline/shared/observability';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevelName = keyof typeof LEVELS;
/** `json`: one object per line (services, files, pipes). `pretty`: one readable line for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * Nest's start-up chatter (a line per module and per mapped route, ~240 in embedded mode) is
 * for debugging the wiring, not for operating the platform: it is logged at debug level.
 */
const NEST_WIRING_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** LOG_FORMAT when set (json or pretty), else pretty only when stdout is a terminal. */
export function logFormatFrom(env: NodeJS.ProcessEnv, stdoutIsTerminal: boolean): LogFormat {
  if (env.LOG_FORMAT === 'pretty' || env.LOG_FORMAT === 'json') return env.LOG_FORMAT;
  return stdoutIsTerminal ? 'pretty' : 'json';
}

/** `12:04:05 INFO  gateway access: GET /api/v1/orders/:id 200 12ms  key=value …`, fields already redacted. */
function prettyLine(record: Record<string, unknown>): string {
  const { time, level, service, context, msg, ...fields } = record;
  // An access line's message already reads `GET /route 200 12ms`.
  const shown = context === 'access' ? Object.entries(fields).filter(([key]) => !['method', 'route', 'status', 'latencyMs'].includes(key)) : Object.entries(fields);
  const rest = shown
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const clock = String(time).slice(11, 19);
  return `${clock} ${String(level).toUpperCase().padEnd(5)} ${service}${context && context !== service ? ' ' + context : ''}: ${msg}${rest ? '  ' + rest : ''}`;
}

/**
 * Fields whose values never reach a log line, whatever component logs them (issue 12 item 7,
 * docs/security.md): secrets and the personal data of domain.md §6. Matched on the field name,
 * at any depth of the logged fields.
 */
const REDACTED_FIELD = /^(password|passwordHash|hash|secret|webhookSecret|token|accessToken|refreshToken|authorization|cookie|x-internal-token|internalToken|apiKey|personalDataKey|consignee|name|fullName|phone|mobile|address|addresses|detail|idCard|idNumber|otherContacts|verificationCode|envelope|payload|parameters|params)$/i;
const REDACTED = '[redacted]';

/**
 * Secrets recognisable by their form, wherever they appear in a line (an error message can quote
 * them): scrypt hashes, JWTs, bearer tokens; and the values PostgreSQL quotes in a message
 * (`Key (phone)=(13800138000)`, `invalid input syntax for type uuid: "…"`).
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/scrypt\$[^\s"',]+/g, 'scrypt$' + REDACTED],
  [/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, REDACTED],
  [/(Bearer\s+)[\w.~+/=-]+/gi, `$1${REDACTED}`],
  [/(\)=\()[^)]*(\))/g, `$1${REDACTED}$2`],
  [/(for type \w+: )\\?"[^"\\]*\\?"/g, `$1${REDACTED}`],
];

export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  if (value instanceof Error) return String(value.message);
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = REDACTED_FIELD.test(key) ? REDACTED : redactFields(item, depth + 1);
  return result;
}

export function redactSecrets(line: string): string {
  let result = line;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/**
 * One JSON object per line on stdout, with the service, the component and the current
 * correlation id. Personal data and secrets are not passed to the logger, and if a field of
 * that name is passed anyway it is redacted here (REDACTED_FIELD, SECRET_PATTERNS).
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private minimum: LogLevelName = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
    private readonly format: LogFormat = 'json',
  ) {}

  /** Embedded pretty mode keeps start-up quiet, then lowers the level once the platform is ready. */
  setMinimum(level: LogLevelName): void {
    this.minimum = level;
  }

  emit(level: LogLevelName, message: unknown, context?: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < LEVELS[this.minimum]) return;
    const correlationId = currentEventContext()?.correlationId;
    // With tracing on, a line finds its trace (and the trace its lines) by this id.
    const traceId = activeTraceId();
    const record: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(context ? { context } : {}),
      ...(correlationId ? { correlationId } : {}),
      ...(traceId ? { traceId } : {}),
      msg: message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message),
      ...(fields ? (redactFields(fields) as Record<string, unknown>) : {}),
    };
    this.write(redactSecrets(this.format === 'pretty' ? prettyLine(record) : JSON.stringify(record)));
  }

  log(message: unknown, context?: string): void {
    const name = typeof context === 'string' ? context : undefined;
    this.emit(name && NEST_WIRING_CONTEXTS.has(name) ? 'debug' : 'info', message, name);
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

import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

export class ConfigError extends Error {}

/** class-transformer hook for integer variables: an empty or missing value stays absent (the default applies). */
export const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/**
 * A `*_KEYS_PREVIOUS` variable: keys sealed under before a rotation, comma-separated, newest
 * first, 16+ characters each (PERSONAL_DATA_KEYS_PREVIOUS, the export service's EXPORT_PASSWORD_KEYS_PREVIOUS).
 */
export const PREVIOUS_KEYS_PATTERN = /^[^,\s]{16,}(,[^,\s]{16,})*$/;

/** The keys of a `*_KEYS_PREVIOUS` variable, newest first (none when it is unset). */
export function previousKeys(value: string | undefined): string[] {
  return value ? value.split(',') : [];
}

/**
 * Environment every service reads at start. A missing or bad variable stops the process
 * with a message naming it (README lists them all).
 */
export class BaseServiceConfig {
  /** `production` refuses development shortcuts (test clock, default operator password, weak scrypt, missing keys). */
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV: 'development' | 'production' | 'test' = 'development';
  /** HTTP port the service listens on. */
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT: number;
  /** postgres://user:password@host:5432/<this service's database> */
  @Matches(/^postgres(ql)?:\/\/.+\/[a-z_][a-z0-9_]*$/, { message: 'DATABASE_URL must be postgres://user@host:port/database' })
  DATABASE_URL: string;
  /** Comma-separated host:port list. */
  @Matches(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS: string;
  /** Prepended to every topic and consumer group (the tests share one broker this way). */
  @IsOptional() @Matches(/^[a-zA-Z0-9._-]*$/, { message: 'KAFKA_TOPIC_PREFIX may hold letters, digits, dot, dash, underscore' })
  KAFKA_TOPIC_PREFIX = '';
  /** Partitions of the topics the service creates at start (the broker has auto-creation off). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(48) KAFKA_TOPIC_PARTITIONS = 3;
  /**
   * Kafka consumer session timeout. A service starts serving only once its consumer has joined
   * its group, and after a SIGKILL the group waits this long for the dead member first: a
   * shorter session restarts a crashed service sooner (the broker's minimum is 6 s).
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(6_000) @Max(300_000) KAFKA_SESSION_TIMEOUT_MS = 30_000;
  /** `debug`, `info`, `warn` or `error`; JSON lines on stdout. */
  @IsOptional() @IsIn(['debug', 'info', 'warn', 'error']) LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';
  /** Attempts to apply an event before it goes to `<topic>.dlq`. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) CONSUMER_MAX_ATTEMPTS = 5;
  /** First retry delay of a failing event (doubles, capped at 5 s, 20 % jitter). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) CONSUMER_RETRY_BASE_MS = 200;
  /** Safety-net poll of the outbox relay (a commit that wrote events wakes it at once). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) OUTBOX_POLL_INTERVAL_MS = 1_000;
  /** While commits keep waking the outbox relay during its passes, how long it waits before the next pass so that pass takes more rows: fewer passes, produce requests and consumer deliveries (as Kafka's `linger.ms`, whose default Kafka 4.0 raised to 5 ms). A wake that finds the relay idle is served at once; 0 = no wait (tools/bench/README.md, "The relay's linger"). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1_000) OUTBOX_LINGER_MS = 10;
  /** Failed publishes of one outbox row (the bus healthy) before it is parked for an operator (issue 13 item 4). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) OUTBOX_MAX_ATTEMPTS = 10;
  /** Connections to the service’s database. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE = 10;
  /** How long a request waits for a pooled connection before it is answered 503 with Retry-After. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(120_000) DATABASE_ACQUIRE_TIMEOUT_MS = 5_000;
  /** PostgreSQL statement_timeout: a statement running longer is cancelled and its request answered 503 (0 = none). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(600_000) DATABASE_STATEMENT_TIMEOUT_MS = 30_000;
  /**
   * `on`: the hot statements (lookups by key, inserts, the inbox and outbox writes) are prepared
   * once per connection; `off` for a pooler that cannot keep a session's prepared statements
   * (PgBouncer in transaction mode before 1.21). Never used with the embedded PGlite.
   */
  @IsOptional() @IsIn(['on', 'off']) DATABASE_PREPARED_STATEMENTS: 'on' | 'off' = 'on';
  /**
   * `on`: a transaction's BEGIN is sent with its first statement and the last write of a unit of
   * work with its COMMIT (node-postgres's pipeline mode), each pair in one write: two round trips
   * fewer per transaction; a write whose answer nothing needs (`TransactionScope.sendWrite`: an
   * order's move, a credit account's update) leaves with the statement after it. On by default
   * since the pairs share a write (tools/bench/README.md, "Pipelined transactions, each pair in
   * one write"); `off` sends each statement after the previous answer, as before. Never with the
   * embedded PGlite.
   */
  @IsOptional() @IsIn(['on', 'off']) DATABASE_PIPELINING: 'on' | 'off' = 'on';
  /** Requests one process serves at once; more are shed with 503 + Retry-After before they queue on the database. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000) MAX_IN_FLIGHT_REQUESTS = 256;
  /** Seconds an overloaded answer (503) tells the caller to wait (Retry-After). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(120) OVERLOAD_RETRY_AFTER_SECONDS = 1;
  /** `1`: the platform clock can be moved (POST /admin/clock); never in production. */
  @IsOptional() @IsIn(['0', '1']) TEST_CLOCK: '0' | '1' = '0';
  /** Shared secret the gateway sends to services; required in production. */
  @IsOptional() @IsString() @MinLength(16) INTERNAL_API_TOKEN?: string;
  /** Bearer token `GET /metrics` asks for (Prometheus `authorization.credentials_file`); unset: services serve metrics to their internal network, the gateway not at all. */
  @IsOptional() @IsString() @MinLength(16) METRICS_TOKEN?: string;
  /** Seals personal data inside events (order → export); the same on every service; required in production. */
  @IsOptional() @IsString() @MinLength(16) PERSONAL_DATA_KEY?: string;
  /**
   * Personal-data keys sealed under before (comma-separated, newest first) while a key rotates:
   * values they sealed still open; new values are sealed under PERSONAL_DATA_KEY only. Drop one
   * once `orderline rotate-key` has re-sealed what it sealed (docs/admin-cli.md).
   */
  @IsOptional() @Matches(PREVIOUS_KEYS_PATTERN, { message: 'PERSONAL_DATA_KEYS_PREVIOUS must be a comma-separated list of keys of 16+ characters' })
  PERSONAL_DATA_KEYS_PREVIOUS?: string;
  /** Processed outbox rows and inbox rows older than this many days are deleted by the retention job (0: kept for ever). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(36_500) RETENTION_DAYS = 0;
  /** How often the retention job looks for rows to delete. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1_000) RETENTION_INTERVAL_MS = 3_600_000;
}

/**
 * The secrets personal data in events is sealed with, newest first: PERSONAL_DATA_KEY seals,
 * PERSONAL_DATA_KEYS_PREVIOUS still open (development falls back to the internal token).
 */
export function personalDataSecret(config: Pick<BaseServiceConfig, 'PERSONAL_DATA_KEY' | 'PERSONAL_DATA_KEYS_PREVIOUS' | 'NODE_ENV' | 'INTERNAL_API_TOKEN'>): string[] {
  const previous = previousKeys(config.PERSONAL_DATA_KEYS_PREVIOUS);
  if (config.PERSONAL_DATA_KEY) return [config.PERSONAL_DATA_KEY, ...previous];
  if (config.NODE_ENV === 'production') throw new ConfigError('invalid configuration:\n  - PERSONAL_DATA_KEY is missing (required in production)');
  return [config.INTERNAL_API_TOKEN ?? 'orderline-development-personal-data', ...previous];
}

export function loadConfig<T extends object>(configClass: new () => T, env: Record<string, string | undefined>): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(configClass, defined, { exposeDefaultValues: true });
  const errors = validateSync(config as object, { whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const value = (defined as Record<string, unknown>)[error.property];
      const why = Object.values(error.constraints ?? {}).join('; ');
      return value === undefined ? `${error.property} is missing (${why})` : `${error.property} is invalid: ${why}`;
    });
    throw new ConfigError(`invalid configuration:\n  - ${lines.join('\n  - ')}`);
  }
  const { NODE_ENV, TEST_CLOCK } = config as { NODE_ENV?: string; TEST_CLOCK?: string };
  if (NODE_ENV === 'production' && TEST_CLOCK === '1') throw new ConfigError('invalid configuration:\n  - TEST_CLOCK is invalid: the test clock cannot run with NODE_ENV=production');
  if (NODE_ENV === 'production') {
    const problems = productionSecretProblems(config as Record<string, unknown>);
    if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/** Variables that hold a secret (the operator's too: `username:password`). */
const SECRET_VARIABLE = /(_TOKEN|_KEY|_KEYS_PREVIOUS|_SECRET|^BOOTSTRAP_OPERATOR)$/;
/** What example files and docker/docker-compose.yml put where a secret belongs. */
const PLACEHOLDER = /change-?me|placeholder/i;

/**
 * A production start refuses the secrets a copy-paste would leave in place (issue 16 item 6):
 * a placeholder in any secret variable, and a missing internal token or personal-data key (every
 * service has both; a service without the token would accept calls from anyone on its network).
 */
function productionSecretProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(config)) {
    if (SECRET_VARIABLE.test(name) && typeof value === 'string' && PLACEHOLDER.test(value)) problems.push(`${name} is invalid: a placeholder cannot be a production secret; set a value of your own (e.g. openssl rand -hex 32)`);
  }
  if (!config.INTERNAL_API_TOKEN) problems.push('INTERNAL_API_TOKEN is missing (required in production)');
  if (!config.PERSONAL_DATA_KEY) problems.push('PERSONAL_DATA_KEY is missing (required in production)');
  return problems;
}

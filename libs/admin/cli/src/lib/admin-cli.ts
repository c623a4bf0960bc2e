import { parseArgs } from 'node:util';
import { CommandResult, createOperator, deadLetters, migrate, parkedOutbox, purge, rebuildExportReadModel, rotateKey } from './commands';
import { EXIT, UnreachableError, UsageError } from './cli-errors';
import { selectServices } from './service-databases';

export { EXIT } from './cli-errors';

const USAGE = `orderline <command> [options]   (npx orderline … | npm run admin -- …; docs/admin-cli.md)

  migrate [--service <name>]                    apply every pending migration of every service's database
  create-operator <username> --password-stdin   create an operator (or reset its password); password on stdin
  dead-letters list [--topic <t>] [--event-id <id>]     what every consumer group dead-lettered   (via the gateway)
  dead-letters redrive [--topic <t>] [--event-id <id>]  put the waiting ones back on their topics (via the gateway)
  outbox parked list                            outbox rows parked after failed publishes (via the gateway)
  outbox parked redrive                         let the relays try them again          (via the gateway)
  export rebuild-read-model                     rebuild the export read model from the stored source events
  purge --older-than <days> [--service <name>]  delete processed outbox rows and inbox rows older than that
  rotate-key [--service <name>]                 re-seal stored personal data under PERSONAL_DATA_KEY
                                                and export passwords under EXPORT_PASSWORD_KEY

Every command: --json (one JSON document on stdout), --help.
Settings (environment): POSTGRES_URL + DATABASE_PREFIX (default orderline) or <SERVICE>_DATABASE_URL;
GATEWAY_URL + ORDERLINE_OPERATOR=username:password (or ORDERLINE_TOKEN); PERSONAL_DATA_KEY,
PERSONAL_DATA_KEYS_PREVIOUS, EXPORT_PASSWORD_KEY, EXPORT_PASSWORD_KEYS_PREVIOUS. Exit codes: 0 done, 1 failed or left undone, 2 usage, 3 unreachable/refused.
`;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Reads the whole of stdin (`--password-stdin`), without its final newline. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function wholeDays(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError('--older-than takes a whole number of days, e.g. --older-than 30');
  const days = Number(value);
  if (days < 1) throw new UsageError('--older-than is at least 1 day (the inbox de-duplicates redeliveries)');
  return days;
}

async function dispatch(words: string[], options: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>): Promise<CommandResult> {
  const [command, sub, third, ...rest] = words;
  const expectWords = (count: number) => {
    if (words.length !== count) throw new UsageError(`unexpected argument "${words[count] ?? ''}" for ${words.slice(0, count).join(' ')}`);
  };
  const service = options.service as string | undefined;
  switch (command) {
    case 'migrate':
      expectWords(1);
      return migrate(selectServices(service), env);
    case 'create-operator': {
      if (!sub || third !== undefined) throw new UsageError('create-operator <username> --password-stdin');
      const password = options['password-stdin'] ? await readStdin() : env.ORDERLINE_NEW_OPERATOR_PASSWORD;
      if (!password) throw new UsageError('give the password on stdin with --password-stdin (or in ORDERLINE_NEW_OPERATOR_PASSWORD)');
      return createOperator(sub, password, env);
    }
    case 'dead-letters':
      if (sub !== 'list' && sub !== 'redrive') throw new UsageError('dead-letters list|redrive');
      expectWords(2);
      return deadLetters(sub, { topic: options.topic as string | undefined, eventId: options['event-id'] as string | undefined }, env);
    case 'outbox':
      if (sub !== 'parked' || (third !== 'list' && third !== 'redrive') || rest.length > 0) throw new UsageError('outbox parked list|redrive');
      return parkedOutbox(third, env);
    case 'export':
      if (sub !== 'rebuild-read-model') throw new UsageError('export rebuild-read-model');
      expectWords(2);
      return rebuildExportReadModel(env);
    case 'purge':
      expectWords(1);
      return purge(selectServices(service), wholeDays(options['older-than'] as string | undefined), env);
    case 'rotate-key':
      expectWords(1);
      return rotateKey(selectServices(service), env);
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'a command is needed');
  }
}

/** Runs one command line; answers the exit code (docs/admin-cli.md). */
export async function runAdminCli(argv: readonly string[], env: Record<string, string | undefined>, output: CliOutput): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        service: { type: 'string' },
        topic: { type: 'string' },
        'event-id': { type: 'string' },
        'older-than': { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
    });
  } catch (error) {
    output.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const json = parsed.values.json === true;
  if (parsed.values.help || parsed.positionals.length === 0) {
    (parsed.values.help ? output.out : output.err)(USAGE);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  try {
    const result = await dispatch(parsed.positionals, parsed.values as Record<string, string | boolean | undefined>, env);
    output.out(json ? `${JSON.stringify(result.data, null, 2)}\n` : `${result.lines.join('\n')}\n`);
    return result.failed ? EXIT.failed : EXIT.ok;
  } catch (error) {
    const code = error instanceof UsageError ? EXIT.usage : error instanceof UnreachableError || isConnectionError(error) ? EXIT.unreachable : EXIT.failed;
    const message = (error as Error).message ?? String(error);
    output.err(json ? `${JSON.stringify({ error: message, exitCode: code })}\n` : `orderline: ${message}${code === EXIT.usage ? `\n\n${USAGE}` : ''}\n`);
    return code;
  }
}

/** PostgreSQL did not answer or refused us (wrong host, password, missing database). */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === '28P01' || code === '28000' || code === '3D000';
}

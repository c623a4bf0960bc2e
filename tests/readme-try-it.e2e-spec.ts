import { ChildProcess, ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_EVENTS, deadLetterTopicOf } from '@orderline/shared/contracts';
import { asyncApiProblems } from '../tools/api/asyncapi-problems';
import { expectPortFree, waitUntil } from './support/infrastructure';

// The README's "Try it" block, run as written (bash, curl, jq) against a fresh `npm start`
// platform: the only change is the origin in its first line (the test port instead of :3000).
jest.setTimeout(240_000);

const PORT = 4250 + Number(process.env.TEST_PORT_SHIFT ?? 0);
const README_ORIGIN = 'http://localhost:3000';
const ORIGIN = `http://127.0.0.1:${PORT}`;

interface Step {
  command: string;
  /** The `# → value` the README promises this command prints. */
  expected?: string;
  /** The variable a `NAME=$(…)` step sets: it must hold a value afterwards (not empty, not null). */
  assigns?: string;
}

/** The fenced block between the try-it markers, cut into complete shell commands (bash -n decides). */
function tryItSteps(readme: string): Step[] {
  const section = /<!-- try-it:begin -->\s*```bash\n([\s\S]*?)```\s*<!-- try-it:end -->/.exec(readme);
  if (!section) throw new Error('README.md has no ```bash block between <!-- try-it:begin --> and <!-- try-it:end -->');
  const steps: Step[] = [];
  let pending: string[] = [];
  for (const line of section[1].split('\n')) {
    if (!pending.length && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    pending.push(line);
    const command = pending.join('\n');
    // A line continued with a backslash is never the end; otherwise bash's parser decides.
    if (line.trimEnd().endsWith('\\') || spawnSync('bash', ['-n', '-c', command]).status !== 0) continue;
    const last = pending[pending.length - 1];
    steps.push({ command, expected: /#\s*→\s*(\S+)/.exec(last)?.[1], assigns: /^([A-Z][A-Z0-9_]*)=\$\(/.exec(pending[0])?.[1] });
    pending = [];
  }
  if (pending.length) throw new Error(`the try-it block ends inside a command: ${pending.join('\n')}`);
  return steps;
}

/** One bash process for the whole block, so variables carry from step to step as in a terminal. */
class Shell {
  private output = '';
  private readonly bash: ChildProcessWithoutNullStreams = spawn('bash', ['--noprofile', '--norc'], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'C.UTF-8' } });
  private marker = 0;

  constructor() {
    this.bash.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.bash.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
  }

  /** Runs one command; resolves with what it printed (stdout and stderr) and its exit status. */
  async run(command: string): Promise<{ printed: string; status: number }> {
    const end = `__try_it_step_${++this.marker}__`;
    this.output = '';
    this.bash.stdin.write(`${command}\necho "${end} $?"\n`);
    const found = await waitUntil(async () => new RegExp(`${end} (\\d+)\\n`).exec(this.output) ?? undefined, `the step to finish: ${command}`, 60_000, 20);
    return { printed: this.output.slice(0, found.index).trim(), status: Number(found[1]) };
  }

  close(): void {
    this.bash.stdin.end();
    this.bash.kill();
  }
}

function startPlatform(): ChildProcess {
  mkdirSync('tmp/test-logs/readme-try-it', { recursive: true });
  const log = openSync('tmp/test-logs/readme-try-it/platform.log', 'a');
  return spawn(process.execPath, ['-r', './tools/runtime/register-paths.js', 'dist/apps/platform/src/main.js', '--ephemeral'], {
    env: { ...process.env, PORT: String(PORT), LOG_LEVEL: 'info', KAFKA_BROKERS: '', POSTGRES_URL: '' },
    stdio: ['ignore', log, log],
  });
}

describe('README "Try it" on a fresh embedded platform', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  let platform: ChildProcess;
  let shell: Shell;

  beforeAll(async () => {
    await expectPortFree(PORT);
    platform = startPlatform();
    shell = new Shell();
    await waitUntil(async () => (await fetch(`${ORIGIN}/api/v1/health`).catch(() => undefined))?.status === 200, 'the embedded platform to answer /api/v1/health', 180_000, 250);
  });

  afterAll(async () => {
    shell?.close();
    if (platform && platform.exitCode === null) {
      const exited = new Promise((resolve) => platform.once('exit', resolve));
      platform.kill('SIGTERM');
      await exited;
    }
  });

  it('runs every command of the block and prints what the README says', async () => {
    const steps = tryItSteps(readme);
    expect(steps[0].command).toContain(`${README_ORIGIN}/api/v1`);
    steps[0].command = steps[0].command.replace(README_ORIGIN, ORIGIN);
    expect(steps.filter((step) => step.expected).length).toBeGreaterThanOrEqual(4);
    for (const step of steps) {
      // A read may run before the events it shows have been applied (the hold is placed
      // after the order is stored): a GET is asked again until it prints the promised value.
      const rerunnable = step.expected !== undefined && !/-X\s*(POST|PUT|PATCH|DELETE)|-XPOST|-XPUT|-XPATCH|-XDELETE/.test(step.command);
      let result = await shell.run(step.command);
      if (rerunnable && result.printed !== step.expected) {
        result = await waitUntil(async () => {
          const again = await shell.run(step.command);
          return again.printed === step.expected ? again : undefined;
        }, `"${step.command}" to print ${step.expected}`, 30_000, 200).catch(() => result);
      }
      expect({ command: step.command, status: result.status }).toEqual({ command: step.command, status: 0 });
      if (step.expected !== undefined) expect({ command: step.command, printed: result.printed }).toEqual({ command: step.command, printed: step.expected });
      if (step.assigns) {
        const value = (await shell.run(`printf '%s' "$${step.assigns}"`)).printed;
        expect({ variable: step.assigns, value: value === '' || value === 'null' ? 'empty or null' : 'set' }).toEqual({ variable: step.assigns, value: 'set' });
      }
    }
  });

  it('serves /asyncapi.json: the AsyncAPI parser finds no error and every registry event is in it', async () => {
    const document = (await (await fetch(`${ORIGIN}/asyncapi.json`)).json()) as { channels: Record<string, { messages: Record<string, unknown> }> };
    expect(await asyncApiProblems(document)).toEqual([]);
    for (const definition of ALL_EVENTS) {
      expect(Object.keys(document.channels[definition.topic].messages)).toContain(definition.type);
      expect(Object.keys(document.channels[deadLetterTopicOf(definition.topic)].messages)).toContain(`${definition.type}.dlq`);
    }
  });
});

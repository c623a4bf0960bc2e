import { EXIT, runAdminCli } from './admin-cli';

async function run(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runAdminCli(argv, env, { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

describe('orderline command line (docs/admin-cli.md)', () => {
  it('prints its usage on --help (exit 0) and without a command (exit 2)', async () => {
    expect(await run(['--help'])).toMatchObject({ code: EXIT.ok, out: expect.stringContaining('rotate-key') });
    expect(await run([])).toMatchObject({ code: EXIT.usage, err: expect.stringContaining('migrate') });
  });

  it('answers a wrong command line with exit code 2 before touching anything', async () => {
    expect((await run(['frobnicate'])).err).toContain('unknown command "frobnicate"');
    for (const argv of [['frobnicate'], ['migrate', 'now'], ['--bogus'], ['outbox', 'parked'], ['dead-letters', 'purge'], ['purge'], ['purge', '--older-than', '0'], ['purge', '--older-than', '2.5'], ['migrate', '--service', 'billing']]) {
      expect({ argv, code: (await run(argv, { POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/postgres' })).code }).toEqual({ argv, code: EXIT.usage });
    }
  });

  it('names the setting a command misses, as JSON with --json', async () => {
    const missing = await run(['purge', '--older-than', '30', '--json']);
    expect(missing.code).toBe(EXIT.usage);
    expect(JSON.parse(missing.err)).toEqual({ error: expect.stringContaining('POSTGRES_URL'), exitCode: EXIT.usage });
    expect((await run(['dead-letters', 'list'])).err).toContain('ORDERLINE_OPERATOR');
    expect((await run(['rotate-key'], { POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/postgres' })).err).toContain('PERSONAL_DATA_KEY');
  });

  it('answers exit code 3 when the database does not answer', async () => {
    expect((await run(['purge', '--older-than', '30', '--service', 'order'], { POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/postgres' })).code).toBe(EXIT.unreachable);
  });
});

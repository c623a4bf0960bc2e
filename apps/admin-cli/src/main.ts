import 'reflect-metadata';
import { runAdminCli } from '@orderline/admin/cli';

// `npx orderline <command>` / `npm run admin -- <command>`: docs/admin-cli.md.
void runAdminCli(process.argv.slice(2), process.env, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }).then((code) => {
  process.exitCode = code;
});

// One in-memory PGlite behind a local socket, in a process of its own: PGlite loads as ESM,
// which Jest's CommonJS sandbox cannot, and a separate process keeps the database's work off
// the test's event loop. Prints the connection address, then serves until stdin closes.
//
// A fresh cluster (initdb) takes ~10x longer than restoring one, so the first start keeps an
// empty cluster's data folder as a tarball in the OS temp folder and later starts restore it.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';

// Keyed by PGlite's version: another version may not read this one's data folder.
const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
const { version } = JSON.parse(readFileSync(join(entry.slice(0, entry.lastIndexOf(`${sep}dist${sep}`)), 'package.json'), 'utf8'));
const template = join(tmpdir(), `orderline-pglite-${version}-empty.tar`);

async function openDatabase() {
  if (existsSync(template)) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]) });
    } catch {
      // A damaged template: start fresh and write it again below.
    }
  }
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  const partial = `${template}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, template); // atomic: a concurrent start reads a whole template or none
  return db;
}

const db = await openDatabase();
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
await server.start();
process.stdout.write(`${server.getServerConn()}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  await db.close().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);

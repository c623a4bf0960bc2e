// One in-memory PGlite behind a local socket, in a process of its own: PGlite loads as ESM,
// which Jest's CommonJS sandbox cannot, and a separate process keeps the database's work off
// the test's event loop. Prints the connection address, then serves until stdin closes.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const db = await PGlite.create();
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

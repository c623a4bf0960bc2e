import 'reflect-metadata';
import { runEmbeddedPlatform } from './embedded-platform';

// `npm start`: the whole platform in one process, embedded PostgreSQL and in-process bus.
runEmbeddedPlatform({
  port: Number(process.env.PORT ?? 3000),
  // Loopback only unless told: the embedded operator password is the documented default.
  host: process.env.HOST || '127.0.0.1',
  dataDir: process.env.ORDERLINE_DATA_DIR ?? '.orderline-data',
  ephemeral: process.argv.includes('--ephemeral') || process.env.ORDERLINE_EPHEMERAL === '1',
}).catch((error) => {
  process.stderr.write(`orderline: start-up failed: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});

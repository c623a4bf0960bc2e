// `npm test` runs the end-to-end suites in two Jest workers (tools/test/run-tests.mjs). Every
// suite opens fixed ports (a stack's six, an embedded platform's one), so each worker moves its
// suites' ports by its own stride on top of TEST_PORT_SHIFT: two suites with the same ports
// never run at once on one machine. Worker 1 (and `--runInBand`) keeps the ports as written.
// Jest gives each test file its own copy of process.env, so this adds the stride once per file.
const WORKER_PORT_STRIDE = 10_000;

const worker = Number(process.env.JEST_WORKER_ID ?? 1);
process.env.TEST_PORT_SHIFT = String(Number(process.env.TEST_PORT_SHIFT ?? 0) + (worker - 1) * WORKER_PORT_STRIDE);

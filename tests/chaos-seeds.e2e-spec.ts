import { infrastructure, isolation } from './support/infrastructure';
// The same driver as `npm run chaos` (one implementation): a short fixed seed set on every `npm test`.
const { runChaos } = require('../tools/chaos/driver.js');
const { brokerControl } = require('../tools/chaos/broker.js');
const { drawHistory } = require('../tools/chaos/history.js');

jest.setTimeout(600_000);

/**
 * Fixed seeds, small histories (the long loop is `npm run chaos`, docs/chaos.md). Seed 2 kills the
 * broker and credit-billing, seed 80 the gateway and the broker; together they place (also in
 * bursts), ship, deliver, return, cancel, repay, move the clock and race ship against cancel and
 * a return against a repayment.
 */
const SEEDS = (process.env.CHAOS_SEEDS ?? '2,80').split(',').map(Number);
const SIZE = { steps: Number(process.env.CHAOS_STEPS ?? 14), faults: Number(process.env.CHAOS_FAULTS ?? 2) };

describe('seeded fault loop: histories through the public API while services and the broker are SIGKILLed (real Kafka + PostgreSQL)', () => {
  it('draws the same history from the same seed, and another from another seed', () => {
    const size = { steps: 40, faults: 4 };
    expect(drawHistory(1234, size)).toEqual(drawHistory(1234, size));
    expect(JSON.stringify(drawHistory(1235, size))).not.toEqual(JSON.stringify(drawHistory(1234, size)));
    expect(new Set(drawHistory(1234, size).steps.map((step: { kind: string }) => step.kind)).size).toBeGreaterThan(5);
  });

  it('keeps every invariant for the fixed seeds', async () => {
    const { kafkaBrokers, postgresUrl } = infrastructure();
    const broker = await brokerControl(kafkaBrokers);
    const results = await runChaos({ seeds: SEEDS, size: SIZE, kafkaBrokers, postgresUrl, ...isolation('chaosseeds'), basePort: 4700, logDir: 'tmp/test-logs/chaos-seeds', secretsSeenFile: 'tmp/test-logs/.secrets-seen', broker: broker.control, log: (line: string) => process.stdout.write(`${line}\n`) });
    const failures = results
      .filter((result: { ok: boolean }) => !result.ok)
      .map((result: { seed: number; replay: string; violations: Array<{ invariant: string; ids: string[]; detail: string }> }) =>
        [`seed ${result.seed} — replay: ${result.replay}`, ...result.violations.map((v) => `  ${v.invariant} [${v.ids.join(', ')}]: ${v.detail}`)].join('\n'),
      );
    expect(failures).toEqual([]);
    expect(results.map((result: { seed: number }) => result.seed)).toEqual(SEEDS);
  });
});

// A seed's whole history, drawn up front from the seed alone (mulberry32, the same generator
// the credit-billing property tests use): the actors, the command of every step and the
// fault moments. Which order a step acts on is a drawn fraction applied to the orders the
// step can act on at that moment, so the sequence is the same on every replay of the seed.
'use strict';
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const { SeededRandom } = require(path.join(ROOT, 'dist/libs/credit-billing/domain/src/testing/seeded-random.js'));

/** The services and the broker a fault can hit. */
const FAULT_TARGETS = ['order-service', 'logistics-service', 'after-sales-service', 'credit-billing-service', 'export-service', 'gateway', 'broker'];

/** Relative weights of the commands (before eligibility: a step with nothing to act on places an order). */
const COMMAND_WEIGHTS = {
  placeOrder: 10,
  cancel: 3,
  pause: 2,
  resume: 2,
  ship: 7,
  deliver: 4,
  confirmReceipt: 3,
  returnLine: 4,
  repay: 4,
  clock: 3,
  race: 3,
};

/** Two commands at once (or a burst of orders): the invariants must hold whichever wins. */
const RACES = ['shipVsCancel', 'pauseVsCancel', 'returnVsRepay', 'orderBurst'];

function drawOrder(random, skus) {
  const lineCount = random.int(1, 3);
  return {
    lines: Array.from({ length: lineCount }, () => ({ sku: random.int(0, skus.length - 1), quantity: random.int(1, 2) })),
    credit: random.chance(0.35) ? { plan: 'DEFERRED' } : { plan: 'INSTALLMENT', periods: random.pick([3, 6, 12]) },
  };
}

function weighted(random, weights) {
  const entries = Object.entries(weights);
  let draw = random.next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [name, weight] of entries) {
    draw -= weight;
    if (draw < 0) return name;
  }
  return entries[entries.length - 1][0];
}

/**
 * @param {number} seed
 * @param {{ steps: number, faults: number }} size
 */
function drawHistory(seed, size) {
  const random = new SeededRandom(seed);
  const buyers = Array.from({ length: random.int(2, 4) }, () => ({ creditLimit: random.int(100, 1_500) * 1_000 }));
  const skus = Array.from({ length: 4 }, (_, index) => ({ skuId: `chaos-${seed}-${index}`, unitPrice: random.int(5, 400) * 100 + random.int(0, 99) }));
  const steps = [];
  for (let index = 0; index < size.steps; index++) {
    const kind = index < 3 ? 'placeOrder' : weighted(random, COMMAND_WEIGHTS);
    const step = { index, kind, pick: random.next(), buyer: random.int(0, buyers.length - 1) };
    if (kind === 'placeOrder') {
      Object.assign(step, drawOrder(random, skus));
    } else if (kind === 'race') {
      step.race = random.pick(RACES);
      step.orders = Array.from({ length: 3 }, () => drawOrder(random, skus));
      step.linePick = random.next();
      step.amount = random.int(1, 80) * 100 + random.int(0, 99);
    } else if (kind === 'returnLine') {
      step.linePick = random.next();
    } else if (kind === 'repay') {
      step.amount = random.int(1, 80) * 100 + random.int(0, 99);
    } else if (kind === 'clock') {
      // From an hour to three weeks: statement days, due dates and overdue days get passed.
      step.advanceBySeconds = random.pick([3_600, 6 * 3_600, 86_400, 3 * 86_400, 7 * 86_400, 21 * 86_400]) + random.int(0, 3_599);
    }
    steps.push(step);
  }
  // Drawn the same way whether or not the broker may be killed here (the driver skips a broker
  // fault it must not cause), so a seed's history never depends on where it runs.
  const faults = Array.from({ length: size.faults }, () => ({ atStep: random.int(1, Math.max(size.steps - 2, 1)), target: random.pick(FAULT_TARGETS), delayMs: random.int(0, 300), downMs: random.int(200, 4_000) })).sort(
    (a, b) => a.atStep - b.atStep,
  );
  return { seed, buyers, skus, steps, faults };
}

module.exports = { drawHistory, FAULT_TARGETS };

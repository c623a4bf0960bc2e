// The seeded fault loop (issue 13 item 6): plays each seed's history (tools/chaos/history.js)
// through the public gateway API of a multi-process stack while services and the broker are
// SIGKILLed and restarted, then restarts everything, waits until the platform is quiet and
// checks every invariant (tools/chaos/invariants.js). `npm run chaos` (run-chaos.mjs) and the
// Jest spec tests/chaos-seeds.e2e-spec.ts both call runChaos. CommonJS so Jest can load it.
'use strict';
const { createHmac, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
const { startStack } = require('../stack/stack.js');
const { ActorClient, ChaosClientError, sleep } = require('./client.js');
const { drawHistory } = require('./history.js');
const { checkInvariants, outboxState, query } = require('./invariants.js');

/** What `npm run chaos` runs per seed unless told otherwise: modest, so 20 seeds fit a coffee break. */
const DEFAULT_SIZE = { steps: 40, faults: 4 };
const SERVICE_APPS = ['order-service', 'logistics-service', 'after-sales-service', 'credit-billing-service', 'export-service'];
const CONSIGNEE = { name: '王小明', phone: '13800138000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };

/** The command that replays one seed (printed for every failing seed). */
function replayCommand(seed, size) {
  const extra = [size.steps !== DEFAULT_SIZE.steps ? `--steps ${size.steps}` : '', size.faults !== DEFAULT_SIZE.faults ? `--faults ${size.faults}` : ''].filter(Boolean).join(' ');
  return `npm run chaos -- --seed ${seed}${extra ? ` ${extra}` : ''}`;
}

/** Polls `probe` until it answers truthy; undefined after `timeoutMs` (the caller decides). */
async function waitForState(probe, timeoutMs, intervalMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(intervalMs);
  }
}

/**
 * @param {object} options
 * @param {number[]} options.seeds
 * @param {{steps:number, faults:number}} [options.size]
 * @param {string} options.kafkaBrokers
 * @param {string} options.postgresUrl
 * @param {string} options.databasePrefix
 * @param {string} options.topicPrefix
 * @param {number} [options.basePort]
 * @param {string} [options.logDir]
 * @param {{ kill(): Promise<void>, start(): Promise<void> } | null} [options.broker]  null: broker faults are skipped
 * @param {number} [options.deadline]   epoch ms: no new seed starts after it (--minutes)
 * @param {(line: string) => void} [options.log]
 * @param {string} [options.secretsSeenFile]  where to note tokens and webhook secrets (npm test's log hygiene)
 * @returns {Promise<Array<{ seed:number, ok:boolean, violations:object[], replay:string, seconds:number, steps:object }>>}
 */
async function runChaos(options) {
  const size = { ...DEFAULT_SIZE, ...options.size };
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const logDir = options.logDir ?? 'tmp/chaos';
  fs.mkdirSync(logDir, { recursive: true });
  const stack = await startStack({
    kafkaBrokers: options.kafkaBrokers,
    postgresUrl: options.postgresUrl,
    databasePrefix: options.databasePrefix,
    topicPrefix: options.topicPrefix,
    basePort: options.basePort ?? 4200,
    logDir: path.join(logDir, 'services'),
    env: {
      TEST_CLOCK: '1',
      // A SIGKILLed service serves again once its group stopped waiting for the dead member.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // A key held by a SIGKILLed gateway is taken over after this (requests here are short).
      IDEMPOTENCY_LEASE_SECONDS: '30',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '5',
      OUTBOX_POLL_INTERVAL_MS: '300',
      BILLING_RUN_INTERVAL_MS: '500',
      AFTER_SALES_TIMER_INTERVAL_MS: '500',
      RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000',
      RATE_LIMIT_IP_PER_MINUTE: '1000000',
      ...options.env,
    },
  });
  const kafka = new Kafka({ clientId: 'chaos-driver', brokers: options.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const results = [];
  try {
    const shared = { serverErrors: [], commandTimeoutMs: 120_000, stateTimeoutMs: 120_000, secretsSeenFile: options.secretsSeenFile };
    const gateway = new ActorClient(stack.gatewayUrl, undefined, shared);
    const operator = await gateway.login('operator', 'operator-password');
    const run = { stack, kafka, shared, gateway, operator, options, size, log, logDir, carrierSecret: await carrierSecret(operator), clockOffsetMs: 0, runId: randomBytes(3).toString('hex') };
    for (const seed of options.seeds) {
      if (options.deadline && Date.now() > options.deadline && results.length > 0) {
        log(`[chaos] time is up after ${results.length} seed(s)`);
        break;
      }
      results.push(await runSeed(run, seed));
    }
  } finally {
    await stack.stop();
  }
  return results;
}

/** The SF carrier's webhook secret (registered on the first run, rotated on a later one). */
async function carrierSecret(operator) {
  const registered = await operator.send('POST', '/carriers', { code: 'SF', name: 'SF Express' });
  if (registered.status === 201) return registered.body.webhookSecret;
  const sf = (await operator.get('/carriers')).find((carrier) => carrier.code === 'SF');
  return (await operator.expect(200, 'POST', `/carriers/${sf.id}/rotate-secret`)).webhookSecret;
}

async function runSeed(run, seed) {
  const started = Date.now();
  const history = drawHistory(seed, run.size);
  const transcript = fs.createWriteStream(path.join(run.logDir, `seed-${seed}.log`));
  const note = (line) => transcript.write(`${new Date().toISOString()} ${line}\n`);
  run.shared.serverErrors.length = 0;
  const tally = {};
  let violations = [];
  const faults = new FaultChain(run, note);
  try {
    const deadLettersBefore = await deadLetterCounts(run);
    const world = await setUpActors(run, history, note);
    for (const step of history.steps) {
      for (const fault of history.faults.filter((f) => f.atStep === step.index)) await faults.enqueue(fault);
      note(`step ${step.index} ${step.kind} …`);
      const outcome = await runStep(run, world, step, note);
      tally[`${step.kind}:${outcome}`] = (tally[`${step.kind}:${outcome}`] ?? 0) + 1;
      note(`step ${step.index} ${step.kind} → ${outcome}`);
    }
    await faults.settle();
    note('history done; restarting everything');
    await restartEverything(run);
    await quiescence(run, world, note);
    const deadLetters = diff(await deadLetterCounts(run), deadLettersBefore);
    violations = [...(await clockProblems(run)), ...(await checkInvariants({ databaseUrl: run.stack.databaseUrl, scope: world.scope(), deadLetters, serverErrors: run.shared.serverErrors }))];
  } catch (error) {
    violations = [{ invariant: 'the history runs to its end', ids: [], detail: error instanceof ChaosClientError ? error.message : error.stack ?? String(error) }];
    // Leave the stack whole for the next seed.
    await faults.settle().catch(() => undefined);
    await restartEverything(run).catch((restart) => note(`restart after the failure failed: ${restart}`));
  }
  for (const v of violations) note(`VIOLATION ${v.invariant} [${v.ids.join(', ')}]: ${v.detail}`);
  transcript.end();
  const result = { seed, ok: violations.length === 0, violations, replay: replayCommand(seed, run.size), seconds: Math.round((Date.now() - started) / 1000), steps: tally };
  run.log(`[chaos] seed ${seed}: ${result.ok ? 'ok' : `${violations.length} violation(s)`} in ${result.seconds} s (${history.steps.length} steps, ${history.faults.length} faults)`);
  if (!result.ok) {
    run.log(`[chaos]   replay: ${result.replay}`);
    for (const v of violations.slice(0, 20)) run.log(`[chaos]   ${v.invariant} [${v.ids.join(', ')}]: ${v.detail}`);
  }
  return result;
}

function diff(after, before) {
  return Object.fromEntries(Object.entries(after).map(([topic, count]) => [topic, count - (before[topic] ?? 0)]));
}

// --- actors ---------------------------------------------------------------------------------

async function setUpActors(run, history, note) {
  const { operator, gateway } = run;
  const tag = `${history.seed}-${run.runId}`;
  const merchantUser = `chaos-m-${tag}`;
  const merchantId = (await operator.expect(201, 'POST', '/merchants', { name: `Chaos shop ${tag}`, mainAccount: { username: merchantUser, password: 'merchant-password', phone: '13900000000' } }, { key: `merchant-${tag}` })).id;
  const merchant = await gateway.login(merchantUser, 'merchant-password');
  for (const sku of history.skus) await merchant.expect(200, 'PUT', `/merchant/catalog/skus/${sku.skuId}`, { title: `Item ${sku.skuId}`, unitPrice: sku.unitPrice, listed: true, stock: null, kinds: {} }, { key: `sku-${tag}-${sku.skuId}` });
  const buyers = [];
  for (const [index, setup] of history.buyers.entries()) {
    const username = `chaos-b${index}-${tag}`;
    const created = await operator.expect(201, 'POST', '/buyers', { username, password: 'buyer-password', name: '王小明', phone: '13800138000', creditLimit: setup.creditLimit }, { key: `buyer-${tag}-${index}` });
    buyers.push({ index, buyerId: created.id, creditAccountId: created.creditAccountId, client: await gateway.login(username, 'buyer-password') });
  }
  note(`merchant ${merchantId}; buyers ${buyers.map((b) => `${b.buyerId}/${b.creditAccountId}`).join(' ')}`);
  const orders = [];
  const afterSales = [];
  return {
    seed: history.seed,
    tag,
    merchantId,
    merchant,
    buyers,
    orders,
    afterSales,
    skus: history.skus,
    scope: () => ({
      accountIds: buyers.map((b) => b.creditAccountId),
      buyers,
      merchantId,
      acceptedOrderIds: orders.map((o) => o.id),
      afterSalesIds: afterSales.map((a) => ({ id: a.id, buyer: a.buyer })),
    }),
  };
}

// --- steps ----------------------------------------------------------------------------------

/** The orders a step may act on; `pick` (drawn from the seed) chooses one. */
function pickOrder(world, step, states) {
  const candidates = world.orders.filter((order) => states.includes(order.state));
  return candidates.length ? candidates[Math.floor(step.pick * candidates.length)] : undefined;
}

/** A shipped order's line not returned yet (marked returned: each line is returned once). */
function pickLineToReturn(world, step) {
  const order = pickOrder(world, step, ['shipped', 'delivered', 'completed']);
  const lines = order?.lines.filter((line) => !line.returned) ?? [];
  if (!order || lines.length === 0) return undefined;
  const line = lines[Math.floor(step.linePick * lines.length)];
  line.returned = true;
  return { order, line };
}

/** Waits until the order has left UNPAID (credit-billing answered) and returns its status. */
async function settledStatus(order) {
  const view = await order.buyer.client.waitFor(`/orders/${order.id}`, (body) => body.status !== 'UNPAID', `order ${order.id} to leave UNPAID`);
  if (view.status === 'CANCELLED') order.state = 'cancelled';
  return view.status;
}

async function runStep(run, world, step, note) {
  const key = `chaos-${world.tag}-${step.index}`;
  switch (step.kind) {
    case 'placeOrder': {
      const { outcome, order } = await placeOrder(world, step, key, note);
      if (order) world.orders.push(order);
      return outcome;
    }
    case 'cancel':
    case 'pause':
    case 'resume':
    case 'confirmReceipt':
      return transition(world, step, key, TRANSITIONS[step.kind]);
    case 'ship': {
      const order = pickOrder(world, step, ['placed']);
      if (!order) return 'nothing to act on';
      if ((await settledStatus(order)) !== 'WAITING_OUTBOUND') return 'not waiting';
      const waybillNo = waybillOf(world, step);
      const answer = await world.merchant.send('POST', '/merchant/shipments', { orderIds: [order.id], carrier: 'SF', waybillNo }, { key, settled: () => orderIn(order, ['SHIPPED']) });
      if (answer.status === 201 || answer.settled) {
        order.state = 'shipped';
        order.waybillNo = answer.body?.results?.[0]?.waybillNo ?? waybillNo;
        return '201';
      }
      return outcomeOf(answer);
    }
    case 'deliver': {
      const order = pickOrder(world, step, ['shipped']);
      if (!order) return 'nothing to act on';
      const now = (await run.operator.get('/admin/clock')).now;
      const raw = JSON.stringify({ eventId: `${order.waybillNo}-delivered`, waybillNo: order.waybillNo, status: 'DELIVERED', occurredAt: now });
      const signature = `sha256=${createHmac('sha256', run.carrierSecret).update(raw).digest('hex')}`;
      const answer = await run.gateway.send('POST', '/carrier-events', raw, { headers: { 'x-carrier-code': 'SF', 'x-carrier-signature': signature } });
      if (answer.status !== 200) return outcomeOf(answer);
      // A clock move may already have completed it (receipt auto-confirmed, domain.md §2.4).
      const view = await order.buyer.client.waitFor(`/orders/${order.id}`, (body) => ['DELIVERED', 'COMPLETED'].includes(body.status), `order ${order.id} to be DELIVERED`);
      order.state = view.status === 'DELIVERED' ? 'delivered' : 'completed';
      return `200 ${view.status}`;
    }
    case 'returnLine': {
      const picked = pickLineToReturn(world, step);
      return picked ? returnLine(world, picked.order, picked.line, key) : 'nothing to act on';
    }
    case 'repay': {
      const buyer = world.buyers[step.buyer];
      const answer = await buyer.client.send('POST', '/credit/repayments', { amount: step.amount }, { key });
      return outcomeOf(answer);
    }
    case 'race':
      return race(run, world, step, key, note);
    case 'clock': {
      const target = run.clockOffsetMs + step.advanceBySeconds * 1000;
      const answer = await run.operator.send('POST', '/admin/clock', { advanceBySeconds: step.advanceBySeconds }, { key, settled: async () => ((await run.operator.get('/admin/clock')).offsetMs >= target - 1_000 ? { status: 200, settled: true } : undefined) });
      if (answer.status !== 200) throw new ChaosClientError(`the clock refused to move: ${answer.status} ${JSON.stringify(answer.body)}`);
      run.clockOffsetMs = Math.max(run.clockOffsetMs, answer.body?.offsetMs ?? target);
      return '200';
    }
    default:
      throw new Error(`unknown step ${step.kind}`);
  }
}

/**
 * The commands that move one order from a state the driver knows to another: who sends what,
 * and the status that shows it was applied (read back after an unknown outcome or a refusal).
 */
const TRANSITIONS = {
  cancel: { from: 'placed', actor: 'buyer', path: (order) => `/orders/${order.id}/cancel`, body: () => ({ reason: 'NO_LONGER_WANTED' }), shows: 'CANCELLED', to: 'cancelled' },
  pause: { from: 'placed', waiting: true, actor: 'merchant', path: (order) => `/merchant/orders/${order.id}/pause`, body: () => ({ reason: 'AWAITING_BATCH_NUMBER' }), shows: 'PAUSED', to: 'paused' },
  resume: { from: 'paused', actor: 'merchant', path: (order) => `/merchant/orders/${order.id}/resume`, body: (step) => ({ trigger: 'BATCH_NUMBER_UPLOADED', batchNumber: `LOT-${step.index}` }), shows: 'WAITING_OUTBOUND', to: 'placed' },
  // A clock move may already have completed it (receipt auto-confirmed): the 409 then shows COMPLETED.
  confirmReceipt: { from: 'delivered', actor: 'buyer', path: (order) => `/orders/${order.id}/confirm-receipt`, body: () => undefined, shows: 'COMPLETED', to: 'completed' },
};

async function transition(world, step, key, command) {
  const order = pickOrder(world, step, [command.from]);
  if (!order) return 'nothing to act on';
  if (command.waiting && (await settledStatus(order)) !== 'WAITING_OUTBOUND') return 'not waiting';
  const client = command.actor === 'buyer' ? order.buyer.client : world.merchant;
  const answer = await client.send('POST', command.path(order), command.body(step), { key, settled: () => orderIn(order, [command.shows]) });
  if (answer.status === 200 || (await orderIn(order, [command.shows]))) order.state = command.to;
  return outcomeOf(answer);
}

/** A step's outcome for the transcript: the status, and the problem code of a refusal. */
function outcomeOf(answer) {
  return answer.status < 300 ? String(answer.status) : `${answer.status} ${answer.body?.code ?? ''}`.trim();
}

/** `settled` probe: the order already shows one of `statuses` (the command was applied). */
async function orderIn(order, statuses) {
  const answer = await order.buyer.client.once('GET', `/orders/${order.id}`);
  return answer.status === 200 && statuses.includes(answer.body.status) ? { status: answer.body.status === 'SHIPPED' ? 201 : 200, body: answer.body, settled: true } : undefined;
}

async function placeOrder(world, step, key, note, { drawn = step, resolveUnknown = true } = {}) {
  const buyer = world.buyers[step.buyer];
  const items = drawn.lines.map((line) => ({ skuId: world.skus[line.sku].skuId, quantity: line.quantity }));
  // Lines of the same SKU are one line to the order service.
  const merged = Object.values(items.reduce((acc, item) => ({ ...acc, [item.skuId]: { skuId: item.skuId, quantity: (acc[item.skuId]?.quantity ?? 0) + item.quantity } }), {}));
  const body = { merchantId: world.merchantId, items: merged, consignee: CONSIGNEE, paymentMethod: 'CREDIT', credit: drawn.credit };
  const known = new Set(world.orders.map((o) => o.id));
  // After an unknown outcome, an order of this buyer the driver has not seen is the one it placed.
  const settled = async () => {
    const list = await world.merchant.once('GET', `/merchant/orders?limit=100`);
    // One command at a time: an order of the seed's merchant the driver has not seen is this one.
    const mine = list.status === 200 ? list.body.items.filter((o) => !known.has(o.id)) : [];
    if (mine.length === 0) return undefined;
    const full = await buyer.client.get(`/orders/${mine[0].id}`);
    return { status: 201, body: full, settled: true };
  };
  // In a burst another request's order would look like ours: only the Idempotency-Key resolves it
  // (an order placed twice is still checked: the invariants take every order of the merchant).
  const answer = await buyer.client.send('POST', '/orders', body, { key, settled: resolveUnknown ? settled : undefined });
  if (answer.status !== 201) return { outcome: outcomeOf(answer) };
  const order = { id: answer.body.id, buyer, state: 'placed', lines: answer.body.lines.map((line) => ({ lineId: line.id, quantity: line.quantity })) };
  note(`order ${answer.body.id} (${JSON.stringify(drawn.credit)}) payable ${answer.body.payable}`);
  return { outcome: '201', order };
}

/**
 * Two commands at once. The order a race touched leaves the driver's model ('raced'), so which
 * command won changes nothing that later steps pick: the command sequence stays the seed's.
 */
async function race(run, world, step, key, note) {
  const buyer = world.buyers[step.buyer];
  switch (step.race) {
    case 'orderBurst': {
      const placed = await Promise.all(step.orders.map((drawn, i) => placeOrder(world, step, `${key}-${i}`, note, { drawn, resolveUnknown: false })));
      for (const { order } of placed) if (order) world.orders.push(order);
      return placed.map((p) => p.outcome).join('/');
    }
    case 'shipVsCancel':
    case 'pauseVsCancel': {
      const order = pickOrder(world, step, ['placed']);
      if (!order) return 'nothing to act on';
      if ((await settledStatus(order)) !== 'WAITING_OUTBOUND') return 'not waiting';
      order.state = 'raced';
      const merchantCommand =
        step.race === 'shipVsCancel'
          ? world.merchant.send('POST', '/merchant/shipments', { orderIds: [order.id], carrier: 'SF', waybillNo: waybillOf(world, step) }, { key: `${key}-merchant` })
          : world.merchant.send('POST', `/merchant/orders/${order.id}/pause`, { reason: 'AWAITING_BATCH_NUMBER' }, { key: `${key}-merchant` });
      // Both may be accepted (logistics' copy had not seen the cancellation yet): the order service
      // then rejects the dispatch and logistics voids the shipment; the invariants check that.
      const [merchantAnswer, cancelAnswer] = await Promise.all([merchantCommand, order.buyer.client.send('POST', `/orders/${order.id}/cancel`, { reason: 'NO_LONGER_WANTED' }, { key: `${key}-buyer` })]);
      return `${outcomeOf(merchantAnswer)}/${outcomeOf(cancelAnswer)}`;
    }
    case 'returnVsRepay': {
      const picked = pickLineToReturn(world, step);
      if (!picked) return 'nothing to act on';
      const [returned, repaid] = await Promise.all([returnLine(world, picked.order, picked.line, key), picked.order.buyer.client.send('POST', '/credit/repayments', { amount: step.amount }, { key: `${key}-repay` })]);
      return `${returned}/${outcomeOf(repaid)}`;
    }
    default:
      throw new Error(`unknown race ${step.race} (buyer ${buyer.index})`);
  }
}

/** SF + 13 digits, unique per seed and step (one stack runs each seed once). */
function waybillOf(world, step) {
  return `SF${String(world.seed % 10_000_000).padStart(7, '0')}${String(step.index % 1_000_000).padStart(6, '0')}`;
}

/** Apply → approve → return waybill → receipt, each step resumed from the request's state after an unknown outcome. */
async function returnLine(world, order, line, key) {
  const buyer = order.buyer.client;
  const merchant = world.merchant;
  const find = async () => {
    const listed = await buyer.once('GET', `/after-sales?orderId=${order.id}&limit=50`);
    return listed.status === 200 ? listed.body.items.find((r) => r.lines[0].lineId === line.lineId && r.status !== 'REJECTED') : undefined;
  };
  let request;
  const applied = await buyer.send('POST', '/after-sales', { orderId: order.id, type: 'RETURN_AND_REFUND', lines: [{ lineId: line.lineId, quantity: line.quantity }], reason: 'DEFECTIVE' }, {
    key: `${key}-apply`,
    settled: async () => ((request = await find()) ? { status: 201, body: request, settled: true } : undefined),
  });
  if (applied.status !== 201) return `apply ${outcomeOf(applied)}`;
  request = applied.body;
  world.afterSales.push({ id: request.id, buyer: order.buyer });
  const next = {
    REQUESTED: () => merchant.send('POST', `/merchant/after-sales/${request.id}/approve`, undefined, { key: `${key}-approve` }),
    APPROVED: () => buyer.send('POST', `/after-sales/${request.id}/return-shipment`, { carrier: 'SF', waybillNo: `SFR${key.replace(/[^0-9a-z]/gi, '').slice(-12)}` }, { key: `${key}-waybill` }),
    RETURN_IN_TRANSIT: () => merchant.send('POST', `/merchant/after-sales/${request.id}/confirm-receipt`, {}, { key: `${key}-receipt` }),
  };
  for (let guard = 0; guard < 20; guard++) {
    if (['REFUND_PENDING', 'REFUNDED'].includes(request.status)) return request.status;
    const action = next[request.status];
    if (!action) return request.status;
    const answer = await action();
    if (answer.status === 200) request = answer.body;
    else request = (await buyer.get(`/after-sales/${request.id}`)) ?? request; // refused after an unknown outcome: where does it stand?
  }
  throw new ChaosClientError(`return of ${order.id}/${line.lineId} did not finish (stuck at ${request.status})`);
}

// --- faults ---------------------------------------------------------------------------------

/** Faults one at a time, in the seed's order, each in the background while the steps go on. */
class FaultChain {
  constructor(run, note) {
    this.run = run;
    this.note = note;
    this.current = Promise.resolve();
  }

  async enqueue(fault) {
    // A fault starts only once the previous one has recovered: the order of faults is the seed's.
    await this.current;
    this.current = this.inject(fault);
  }

  async settle() {
    await this.current;
  }

  async inject(fault) {
    const { stack, options } = this.run;
    // A short drawn delay lands the kill inside the step's command or its events, not between steps.
    await sleep(fault.delayMs);
    if (fault.target === 'broker') {
      if (!options.broker) return this.note(`fault at step ${fault.atStep}: broker (skipped: this run may not kill the broker)`);
      this.note(`fault at step ${fault.atStep}: SIGKILL broker for ${fault.downMs} ms`);
      await options.broker.kill();
      await sleep(fault.downMs);
      await options.broker.start();
      return;
    }
    this.note(`fault at step ${fault.atStep}: SIGKILL ${fault.target} for ${fault.downMs} ms`);
    await stack.stopService(fault.target, 'SIGKILL');
    await sleep(fault.downMs);
    await startWithRetries(stack, fault.target);
  }
}

async function startWithRetries(stack, app) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await stack.startService(app);
    } catch (error) {
      if (attempt >= 3) throw error;
      await stack.stopService(app, 'SIGKILL');
    }
  }
}

async function restartEverything(run) {
  const { stack } = run;
  // Up already unless a broker fault's restart failed (kafka:start leaves a running broker alone).
  if (run.options.broker) await run.options.broker.start();
  // SIGKILL, all at once: the harshest restart, and no graceful drain to wait for.
  await Promise.all([...SERVICE_APPS, 'gateway'].map((app) => stack.stopService(app, 'SIGKILL')));
  // All at once: each start waits for that process's own readiness (the gateway's no longer waits for the services).
  await Promise.all([...SERVICE_APPS, 'gateway'].map((app) => startWithRetries(stack, app)));
}

/** After restarts the platform clock is where the history moved it, in every process (it never goes back). */
async function clockProblems(run) {
  const clock = await run.operator.get('/admin/clock');
  const floor = Date.now() + run.clockOffsetMs - 60_000;
  const behind = Object.entries({ gateway: clock.now, ...clock.services }).filter(([, now]) => Date.parse(now) < floor);
  return behind.map(([name, now]) => ({ invariant: 'the platform clock never goes back', ids: [name], detail: `${name} says ${now}, the history moved the clock to ${new Date(floor + 60_000).toISOString()}` }));
}

// --- quiescence -----------------------------------------------------------------------------

async function topicsOf(run) {
  const admin = run.kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(run.options.topicPrefix));
    const highs = {};
    for (const topic of topics) highs[topic] = await admin.fetchTopicOffsets(topic);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(run.options.topicPrefix));
    const lagging = [];
    const consumed = topics.filter((topic) => !topic.endsWith('.dlq'));
    for (const groupId of groups) {
      for (const topic of await admin.fetchOffsets({ groupId, topics: consumed })) {
        for (const partition of topic.partitions) {
          const high = Number(highs[topic.topic].find((p) => p.partition === partition.partition).high);
          if (Number(partition.offset) >= 0 && Number(partition.offset) < high) lagging.push(`${groupId} ${topic.topic}/${partition.partition} at ${partition.offset} of ${high}`);
        }
      }
    }
    return { highs, lagging };
  } finally {
    await admin.disconnect();
  }
}

async function deadLetterCounts(run) {
  const { highs } = await topicsOf(run);
  return Object.fromEntries(Object.entries(highs).filter(([topic]) => topic.endsWith('.dlq')).map(([topic, partitions]) => [topic, partitions.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)]));
}

/**
 * Quiet: no outbox row waiting in any service, every consumer group at the end of its topics,
 * no order of the seed still UNPAID and no refund settlement still pending, twice in a row.
 * Past the timeout the invariants are checked anyway and say what did not settle.
 */
async function quiescence(run, world, note) {
  let quietOnce = false;
  let last = '';
  const quiet = await waitForState(async () => {
    const outbox = await outboxState(run.stack.databaseUrl);
    const backlog = Object.entries(outbox).filter(([, state]) => state.backlog > 0);
    const { lagging } = await topicsOf(run);
    const [{ unpaid }] = await query(run.stack.databaseUrl('order'), `SELECT count(*)::int AS unpaid FROM customer_order WHERE merchant_id = $1 AND status = 'UNPAID'`, [world.merchantId]);
    const [{ pending }] = await query(
      run.stack.databaseUrl('after_sales'),
      `SELECT count(*)::int AS pending FROM refund r LEFT JOIN refund_settlement s ON s.refund_id = r.id WHERE r.order_id = ANY($1) AND (s.status IS NULL OR s.status = 'PENDING' OR r.status <> 'COMPLETED')`,
      [world.orders.map((o) => o.id)],
    );
    last = `backlog ${JSON.stringify(backlog)}, lagging ${lagging.length}, unpaid ${unpaid}, pending refunds ${pending}`;
    const now = backlog.length === 0 && lagging.length === 0 && unpaid === 0 && pending === 0;
    const twice = now && quietOnce;
    quietOnce = now;
    return twice;
  }, 240_000, 1_000);
  note(quiet ? 'quiet' : `not quiet after 240 s: ${last}`);
}

module.exports = { runChaos, replayCommand, DEFAULT_SIZE };

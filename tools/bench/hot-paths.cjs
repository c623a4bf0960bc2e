'use strict';
// CPU per call of the hot-path changes of issue 19 item 2, each beside the way it was done
// before, in one process on one database connection: the Node CPU (process.cpuUsage) and the
// PostgreSQL backend's CPU (/proc/<backend pid>/stat) per call. Unlike the stack's per-order
// figures these hardly move with the machine's load, because each side does a fixed amount of
// work. Run after `npm run build`:
//   POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres node -r ./tools/runtime/register-paths.js tools/bench/hot-paths.cjs
// It creates (and drops) the database bench_hot_paths_<pid>.
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID, createSecretKey } = require('node:crypto');
const { Client } = require('pg');
const jwt = require('jsonwebtoken');
const { plainToInstance } = require('class-transformer');
const { validateSync } = require('class-validator');
const { ValidationPipe } = require('@nestjs/common');
const { JwtService } = require('@nestjs/jwt');
const { buildEnvelope, createEventRegistry, CreditHoldPlaced, EVENT_HEADERS, instantiatePayload, OrderPaid, OrderPlaced, passesValidation } = require('@orderline/shared/contracts');
const { createValidationPipe } = require('@orderline/shared/service-kit');
const { PlaceOrderRequest } = require('@orderline/order/contract');
const { createServiceDataSource, openServiceDatabase, selectEntity, updateLockedEntity } = require('@orderline/shared/persistence');
const { ORDER_MIGRATIONS } = require('@orderline/order/service');
const { parseProcStat } = require('./lib/cpu.cjs');
const { databaseUrl, envNumber } = require('./lib/common.cjs');

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'libs');
const { OrderRecord, ORDER_ENTITIES } = require(path.join(DIST, 'order/service/src/lib/infra/order.entity.js'));

const CALLS = envNumber('BENCH_HOT_CALLS', 2000);
const POSTGRES_URL = process.env.POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

function backendCpuMs(pid) {
  return pid ? parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuSeconds * 1000 : 0;
}

async function measure(label, backendPid, call) {
  for (let i = 0; i < Math.min(200, CALLS); i++) await call(i); // warm-up (JIT, statement caches)
  const node0 = process.cpuUsage();
  const pg0 = backendCpuMs(backendPid);
  for (let i = 0; i < CALLS; i++) await call(i);
  const node = process.cpuUsage(node0);
  const pg = backendCpuMs(backendPid) - pg0;
  const row = { label, nodeUs: (node.user + node.system) / CALLS, pgUs: (pg * 1000) / CALLS };
  console.log(`${label.padEnd(58)} node ${row.nodeUs.toFixed(0).padStart(6)} µs · postgres ${backendPid ? row.pgUs.toFixed(0).padStart(5) + ' µs' : '    –'} per call`);
  return row;
}

async function main() {
  // 1. A message of a type the group has no handler for: decoded (before) or passed over by its header (after).
  const registry = createEventRegistry();
  const value = Buffer.from(JSON.stringify(buildEnvelope({ type: OrderPaid.type, version: OrderPaid.version, producer: 'bench', aggregateId: randomUUID(), payload: { orderId: randomUUID(), buyerId: randomUUID(), paymentMethod: 'CREDIT', amount: 19_900, creditHoldId: randomUUID() }, occurredAt: new Date() })));
  const headers = { [EVENT_HEADERS.eventType]: OrderPaid.type };
  const handled = new Set(['OrderPlaced']);
  await measure('unhandled event: registry.decode (before)', 0, async () => registry.decode(value));
  await measure('unhandled event: event-type header checked (after)', 0, async () => !handled.has(headers[EVENT_HEADERS.eventType]) && registry.has(headers[EVENT_HEADERS.eventType]));

  // 2. JWT verification with the secret as a string (before) or a KeyObject (after).
  const secret = 'bench-secret-not-for-production';
  const token = jwt.sign({ sub: randomUUID(), role: 'BUYER', buyerId: randomUUID() }, secret, { algorithm: 'HS256', expiresIn: 3600 });
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  await measure('JWT verify, string secret (before)', 0, async () => jwt.verify(token, secret, { algorithms: ['HS256'] }));
  await measure('JWT verify, KeyObject (after)', 0, async () => jwt.verify(token, key, { algorithms: ['HS256'] }));
  // … and a token verified once per gateway process, its claims kept until it expires (AccessTokens).
  const { AccessTokens } = require(path.join(DIST, 'gateway/service/src/lib/api/access-tokens.js'));
  const tokens = new AccessTokens(new JwtService({ secretOrKeyProvider: () => key, verifyOptions: { algorithms: ['HS256'] } }));
  await measure('bearer token: AccessTokens.claimsOf, kept (after)', 0, () => tokens.claimsOf(`Bearer ${token}`));

  // 3. An event payload (every event at publish and at each consuming group) turned into its class, class-transformer (before) or instantiatePayload (after),
  //    and its validity: class-validator's executor (before) or the validity check (after).
  const uuid = () => randomUUID();
  const orderPlaced = plainToInstance(OrderPlaced.payload, {
    orderId: uuid(), merchantId: uuid(), buyerId: uuid(), paymentMethod: 'CREDIT', payable: 39_800, freight: 0, credit: { plan: 'INSTALLMENT', periods: 3 },
    lines: [1, 2].map((n) => ({ lineId: uuid(), skuId: `sku-kettle-0${n}`, title: `Kettle ${n}`, unitPrice: 19_900, quantity: 1, lineTotal: 19_900, discount: 0 })),
    goodsTotal: 39_800, discountTotal: 0, consigneeSealed: 'v1.'.padEnd(300, 'x'), kinds: [], fulfilment: 'STANDARD',
  });
  const holdPlaced = plainToInstance(CreditHoldPlaced.payload, { holdId: uuid(), orderId: uuid(), creditAccountId: uuid(), amount: 39_800, availableAfter: 160_200 });
  for (const [name, instance] of [['OrderPlaced', orderPlaced], ['CreditHoldPlaced', holdPlaced]]) {
    if (validateSync(instance, { forbidUnknownValues: true }).length || !passesValidation(instance, { forbidNonWhitelisted: false })) throw new Error(`the ${name} sample is not valid`);
    const plain = JSON.parse(JSON.stringify(instance));
    await measure(`${name} payload: plainToInstance (before)`, 0, async () => plainToInstance(instance.constructor, plain));
    await measure(`${name} payload: instantiatePayload (after)`, 0, async () => instantiatePayload(instance.constructor, plain));
    await measure(`${name} payload: validateSync (before)`, 0, async () => validateSync(instance, { forbidUnknownValues: true }));
    await measure(`${name} payload: passesValidation (after)`, 0, async () => passesValidation(instance, { forbidNonWhitelisted: false }));
  }

  // 4. A POST /orders body through the global pipe (the gateway's and the order service's): Nest's pipe (before) or ours with the check in front (after).
  const body = () => ({
    merchantId: uuid(), items: [{ skuId: 'sku-kettle-01', quantity: 1 }, { skuId: 'sku-cup-02', quantity: 2 }], paymentMethod: 'CREDIT', credit: { plan: 'INSTALLMENT', periods: 3 },
    consignee: { name: '张三', phone: '13812345678', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } },
  });
  const asBody = { type: 'body', metatype: PlaceOrderRequest };
  // Nest keeps the transformer of the pipe constructed last module-wide: each pipe is built right before it is measured.
  const nestPipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  await measure('POST /orders body: ValidationPipe (before)', 0, () => nestPipe.transform(body(), asBody));
  const checkedOnly = new (Object.getPrototypeOf(createValidationPipe()).constructor)({ whitelist: true, forbidNonWhitelisted: true, transform: true, transformerPackage: require('class-transformer') });
  await measure('POST /orders body: check first, class-transformer (2026-12-05)', 0, () => checkedOnly.transform(body(), asBody));
  const checkedPipe = createValidationPipe();
  await measure('POST /orders body: createValidationPipe (after)', 0, () => checkedPipe.transform(body(), asBody));

  // 5–6. The order path on a real order database (one connection, so one backend to read).
  const url = databaseUrl(POSTGRES_URL, `bench_hot_paths_${process.pid}`);
  const dataSource = await openServiceDatabase(createServiceDataSource({ url, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS, poolSize: 1 }), url, { createIfMissing: true, lockMigrations: false });
  try {
    const [{ pid }] = await dataSource.query('SELECT pg_backend_pid() AS pid');
    const merchantId = randomUUID();
    const orderId = randomUUID();
    const now = new Date();
    await dataSource.manager.insert(OrderRecord, {
      id: orderId, merchantId, buyerId: randomUUID(), status: 'UNPAID', paymentMethod: 'CREDIT', creditPlan: 'INSTALLMENT', creditPeriods: 6, creditHoldId: null,
      goodsTotal: 19_900, freight: 0, payable: 19_900, discountTotal: 0, couponCode: null, fulfilment: null, buyerNote: null, consigneeName: '李四', consigneePhone: '13800000000',
      consigneeAddress: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' }, cancelReason: null, cancelledBy: null, pause: null, specifiedPlatformDelivery: false,
      specialAttributes: {}, kinds: [], serviceFees: [], promisedShipBy: null, parentOrderId: null, createdAt: now, updatedAt: now,
    });
    const inTransaction = (work) => () => dataSource.transaction(work);
    await measure('lock the order: findOne({ lock }) (before)', pid, inTransaction((manager) => manager.getRepository(OrderRecord).findOne({ where: { id: orderId }, lock: { mode: 'pessimistic_write' } })));
    await measure('lock the order: selectEntity(…, { forUpdate }) (after)', pid, inTransaction((manager) => selectEntity(manager, OrderRecord, 'id = $1', [orderId], { forUpdate: true })));
    await measure('lock + write the order: findOne + save (before)', pid, inTransaction(async (manager) => {
      const order = await manager.getRepository(OrderRecord).findOne({ where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
      order.status = order.status === 'UNPAID' ? 'WAITING_OUTBOUND' : 'UNPAID';
      await manager.save(order);
    }));
    await measure('lock + write the order: selectEntity + updateLockedEntity (after)', pid, inTransaction(async (manager) => {
      const order = await selectEntity(manager, OrderRecord, 'id = $1', [orderId], { forUpdate: true });
      order.status = order.status === 'UNPAID' ? 'WAITING_OUTBOUND' : 'UNPAID';
      await updateLockedEntity(manager, OrderRecord, order);
    }));
  } finally {
    await dataSource.destroy();
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "bench_hot_paths_${process.pid}"`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

'use strict';
// CPU per request of one HTTP hop as every service builds it (`createHttpApp`: correlation,
// access line, metrics, limits, body parsing, the request guard, Nest's validation pipe), with a
// client in the same process on a keep-alive agent, 4 requests in flight. Prints the best of 3
// rounds of client + server CPU (`process.cpuUsage`) per request; `ACCESS_LOG=off` mounts no access
// line, which shows what the line costs in a served app. Run after `npm run build`:
//   node -r ./tools/runtime/register-paths.js tools/bench/http-hop.cjs            (a GET)
//   HOP_POST=1 node -r ./tools/runtime/register-paths.js tools/bench/http-hop.cjs (a POST /orders body)
// Lines go to stdout; redirect it (> /dev/null) and read the figure on stderr.
require('reflect-metadata');
const http = require('node:http');
const path = require('node:path');
const { Body, Controller, Get, Module, Param, Post } = require('@nestjs/common');

if (process.env.ACCESS_LOG === 'off') {
  // Before http-app reads it: the middleware that calls next and nothing else.
  require(path.resolve(__dirname, '../../dist/libs/shared/service-kit/src/lib/access-log.js')).accessLog = () => (_request, _response, next) => next();
}
const { createHttpApp, JsonLogger } = require('@orderline/shared/service-kit');
const { PlaceOrderRequest } = require('@orderline/order/contract');

class HopController {
  get(id) {
    return { id, status: 'UNPAID', lines: [{ skuId: 'sku-1', quantity: 1 }] };
  }
  place(request) {
    return { id: 'order-1', merchantId: request.merchantId };
  }
}
Reflect.decorate([Get(':id'), Reflect.metadata('design:paramtypes', [String])], HopController.prototype, 'get', Object.getOwnPropertyDescriptor(HopController.prototype, 'get'));
Param('id')(HopController.prototype, 'get', 0);
Reflect.decorate([Post(), Reflect.metadata('design:paramtypes', [PlaceOrderRequest])], HopController.prototype, 'place', Object.getOwnPropertyDescriptor(HopController.prototype, 'place'));
Body()(HopController.prototype, 'place', 0);
const controller = Reflect.decorate([Controller('orders')], HopController);
class HopModule {}
const module_ = Reflect.decorate([Module({ controllers: [controller] })], HopModule);

const TOKEN = 'hop-internal-token-0123456789';
const POST = process.env.HOP_POST === '1';
const CALLS = Number(process.env.HOP_CALLS || 5000);
const body = Buffer.from(JSON.stringify({
  merchantId: '0b6f3f8e-6f0c-4b8e-9a51-3d7f0c2b1a11',
  items: [{ skuId: 'sku-bench-1', quantity: 2 }],
  consignee: { name: 'Bench Buyer', phone: '13812345678', address: { province: 'Guangdong', city: 'Shenzhen', county: 'Nanshan', detail: 'Science Park 1' } },
  paymentMethod: 'CREDIT',
  credit: { plan: 'INSTALLMENT', periods: 6 },
}));

async function main() {
  const app = await createHttpApp(module_, { logger: new JsonLogger('hop', 'info'), internalToken: TOKEN, metrics: { service: 'hop', endpoint: { open: true } } });
  await app.listen(0, '127.0.0.1');
  const port = app.getHttpServer().address().port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const headers = { 'x-internal-token': TOKEN, ...(POST ? { 'content-type': 'application/json', 'content-length': body.length } : {}) };
  const call = () =>
    new Promise((resolve, reject) => {
      const request = http.request({ port, path: POST ? '/orders' : '/orders/abc', agent, method: POST ? 'POST' : 'GET', headers }, (response) => {
        if (response.statusCode >= 300) reject(new Error(`HTTP ${response.statusCode}`));
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      if (POST) request.write(body);
      request.end();
    });
  for (let i = 0; i < 2000; i++) await call(); // warm-up: JIT, sockets
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let i = 0; i < CALLS / 4; i++) await call();
    }));
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / CALLS);
  }
  process.stderr.write(`${POST ? 'POST /orders' : 'GET /orders/:id'}, access line ${process.env.ACCESS_LOG === 'off' ? 'off' : 'on'}: ${best.toFixed(0)} µs of CPU per request (client + server)\n`);
  agent.destroy();
  await app.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

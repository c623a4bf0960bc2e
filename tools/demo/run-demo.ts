#!/usr/bin/env node
// `npm run demo`: the headline story through the public API of a running gateway (embedded
// `npm start` or `npm run stack`): a credit order on 6 installments, shipped, two periods
// repaid, one item returned (the remaining periods shrink), the rest returned (the remaining
// periods are voided, the repaid principal goes to the balance). Prints the plan after every
// step. Needs the test clock (statement days are reached by moving the platform clock):
// embedded mode has it on unless TEST_CLOCK=0; the stack needs TEST_CLOCK=1.
import { randomUUID } from 'node:crypto';

const BASE = (process.env.GATEWAY_URL ?? 'http://localhost:3000/api/v1').replace(/\/$/, '');
const [OPERATOR_USER, OPERATOR_PASSWORD] = (process.env.DEMO_OPERATOR ?? process.env.BOOTSTRAP_OPERATOR ?? 'operator:operator-password').split(/:(.*)/s);
const OFFSET_MS = Number(process.env.PLATFORM_UTC_OFFSET_MINUTES ?? 480) * 60_000;

const yuan = (fen) => `${fen < 0 ? '-' : ''}${Math.trunc(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const say = (text = '') => process.stdout.write(`${text}\n`);

class DemoStop extends Error {}

async function call(token, method, path, body) {
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new DemoStop(`the gateway at ${BASE} does not answer (${error.cause?.code ?? error.message}); start it with \`npm start\` (or set GATEWAY_URL)`);
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

async function expectOk(token, method, path, body) {
  const { status, body: answer } = await call(token, method, path, body);
  if (status >= 300) throw new DemoStop(`${method} ${path} answered ${status}: ${answer?.code ?? ''} ${answer?.detail ?? JSON.stringify(answer)}`);
  return answer;
}

async function waitFor(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new DemoStop(`timed out waiting for ${what}`);
}

async function login(username, password) {
  return (await expectOk(undefined, 'POST', '/auth/token', { username, password })).accessToken;
}

function printPlan(title, loan, account) {
  say(`\n== ${title}`);
  if (!loan) {
    say(`   no loan yet — credit line: limit ${yuan(account.limit)}, held ${yuan(account.held)}, available ${yuan(account.available)}`);
    return;
  }
  const rows = loan.periods.map((p) => [String(p.index), p.statementDate, p.dueDate, yuan(p.principal), yuan(p.fee), yuan(p.paid), yuan(p.credited ?? 0), p.status]);
  const header = ['#', 'statement', 'due', 'principal', 'fee', 'paid', 'credited', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => ('   ' + cells.map((c, i) => (i >= 3 && i <= 6 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')).trimEnd();
  say(line(header));
  say('   ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) say(line(row));
  say(`   loan principal ${yuan(loan.principal)}, refunded ${yuan(loan.refundedPrincipal)}, outstanding ${yuan(loan.outstandingPrincipal)}${loan.settled ? ', SETTLED' : ''}`);
  say(`   credit line: outstanding ${yuan(account.outstanding)}, balance ${yuan(account.balance)}, available ${yuan(account.available)} of ${yuan(account.limit)}`);
}

async function main() {
  say(`Orderline demo against ${BASE}`);
  const operator = await login(OPERATOR_USER, OPERATOR_PASSWORD);
  const clock = await call(operator, 'GET', '/admin/clock');
  if (clock.status === 404) throw new DemoStop('the platform clock cannot be moved on this gateway (statement days need it): start with TEST_CLOCK=1 (`npm start` enables it unless TEST_CLOCK=0)');

  const suffix = randomUUID().slice(0, 6);
  const merchant = await expectOk(operator, 'POST', '/merchants', { name: `Demo Kitchen ${suffix}`, mainAccount: { username: `demo-shop-${suffix}`, password: 'merchant-password', phone: '13900000000' } });
  const shop = await login(`demo-shop-${suffix}`, 'merchant-password');
  await expectOk(operator, 'POST', '/buyers', { username: `demo-buyer-${suffix}`, password: 'buyer-password', name: '李四', phone: '13800000000', creditLimit: 1_000_000 });
  const buyer = await login(`demo-buyer-${suffix}`, 'buyer-password');
  say(`merchant ${merchant.name} and buyer demo-buyer-${suffix} (credit limit 10000.00) created`);

  // The merchant prices its goods; the buyer only names SKUs and quantities (domain.md §1.1a).
  for (const [skuId, title] of [['kettle', 'Kettle'], ['toaster', 'Toaster'], ['blender', 'Blender']]) {
    await expectOk(shop, 'PUT', `/merchant/catalog/skus/${skuId}`, { title, unitPrice: 19_900, listed: true });
  }
  const order = await expectOk(buyer, 'POST', '/orders', {
    merchantId: merchant.id,
    items: [
      { skuId: 'kettle', quantity: 1 },
      { skuId: 'toaster', quantity: 1 },
      { skuId: 'blender', quantity: 1 },
    ],
    consignee: { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } },
    paymentMethod: 'CREDIT',
    credit: { plan: 'INSTALLMENT', periods: 6 },
  });
  say(`order ${order.id}: ${order.lines.map((l) => `${l.title} ${yuan(l.lineTotal)}`).join(', ')} = ${yuan(order.payable)} on 6 installments`);
  await waitFor('the credit hold', async () => (await expectOk(buyer, 'GET', `/orders/${order.id}`)).status === 'WAITING_OUTBOUND');
  const loanOf = async () => (await expectOk(buyer, 'GET', `/credit/loans?orderId=${order.id}`))[0];
  const account = () => expectOk(buyer, 'GET', '/credit/account');
  printPlan('placed: the payable is held on the credit line', await loanOf(), await account());

  // Shipping (logistics): the merchant ships the order; the hold becomes a loan (domain.md §4.2).
  const shipped = await call(shop, 'POST', '/merchant/shipments', { orderIds: [order.id], carrier: 'SF', waybillNo: `SF${Date.now()}` });
  if (shipped.status >= 300) throw new DemoStop(`cannot ship: POST /merchant/shipments answered ${shipped.status}: ${shipped.body?.detail ?? ''}`);
  say(`shipped with SF, waybill ${shipped.body?.results?.[0]?.waybillNo ?? shipped.body?.waybillNo ?? '—'}`);
  await waitFor('the order to ship', async () => (await expectOk(buyer, 'GET', `/orders/${order.id}`)).status === 'SHIPPED');
  await waitFor('after-sales to see the shipment', async () => (await call(buyer, 'GET', `/after-sales/refundable?orderId=${order.id}`)).body?.status === 'SHIPPED');
  let loan = await waitFor('the loan', loanOf);
  printPlan('shipped: the hold became a loan of 6 periods (principal floor(597.00 / 6), fee 0.50 % per period)', loan, await account());

  for (const month of [1, 2]) {
    const next = loan.periods.find((p) => p.status === 'SCHEDULED');
    const target = new Date(Date.parse(`${next.statementDate}T00:01:00Z`) - OFFSET_MS);
    const now = Date.parse((await expectOk(operator, 'GET', '/admin/clock')).now);
    if (target.getTime() > now) await expectOk(operator, 'POST', '/admin/clock', { now: target.toISOString() });
    await waitFor(`period ${next.index} to be billed`, async () => (await loanOf()).periods[next.index - 1].status === 'BILLED');
    // Newest first: the statement just issued.
    const [statement] = await expectOk(buyer, 'GET', '/credit/statements');
    const repayment = await expectOk(buyer, 'POST', '/credit/repayments', { amount: statement.amountDue });
    say(`\nstatement day ${next.statementDate}: ${yuan(statement.amountDue)} due; the buyer repays it (principal ${yuan(repayment.principalRepaid)}, fee ${yuan(repayment.feePaid)})`);
    loan = await waitFor(`period ${next.index} paid`, async () => {
      const current = await loanOf();
      return current.periods[next.index - 1].status === 'PAID' ? current : undefined;
    });
    printPlan(`period ${month} repaid`, loan, await account());
  }

  const afterSales = async (lines, label) => {
    const applied = await expectOk(buyer, 'POST', '/after-sales', { orderId: order.id, type: 'RETURN_AND_REFUND', lines, reason: 'NO_LONGER_WANTED', evidence: ['img://demo/photo-1.jpg'] });
    await expectOk(shop, 'POST', `/merchant/after-sales/${applied.id}/approve`);
    await expectOk(buyer, 'POST', `/after-sales/${applied.id}/return-shipment`, { carrier: 'SF', waybillNo: `SFR${Date.now()}` });
    const received = await expectOk(shop, 'POST', `/merchant/after-sales/${applied.id}/confirm-receipt`, {});
    const done = await waitFor('the refund', async () => {
      const current = await expectOk(buyer, 'GET', `/after-sales/${applied.id}`);
      return current.status === 'REFUNDED' ? current : undefined;
    });
    say(`\n${label}: after-sales ${applied.id} ${received.history.map((h) => h.to).join(' → ')}${done.status !== received.status ? ` → ${done.status}` : ''}`);
    say(`   refund ${yuan(done.refund.amount)} (${done.refund.lines.map((l) => `${order.lines.find((o) => o.id === l.lineId).title} ×${l.quantity} ${yuan(l.amount)}`).join(', ')}), settled by ${done.refund.settlements.map((s) => s.method).join(', ')} → RefundCompleted`);
    return done.refund.amount;
  };

  let refunded = await afterSales([{ lineId: order.lines[0].id, quantity: 1 }], 'the buyer returns the kettle');
  loan = await waitFor('the offset', async () => {
    const current = await loanOf();
    return current.refundedPrincipal === refunded ? current : undefined;
  });
  printPlan('partial refund: the 4 remaining periods shrink (re-spread), their fees follow the reduced principal', loan, await account());

  refunded += await afterSales(
    order.lines.slice(1).map((l) => ({ lineId: l.id, quantity: 1 })),
    'the buyer returns the toaster and the blender',
  );
  loan = await waitFor('the loan to settle', async () => {
    const current = await loanOf();
    return current.refundedPrincipal === refunded && current.settled ? current : undefined;
  });
  printPlan('full refund: the remaining periods are voided; the principal already repaid goes to the balance', loan, await account());
  say('\nDone.');
}

main().catch((error) => {
  if (error instanceof DemoStop) {
    process.stderr.write(`\ndemo stopped: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`\ndemo failed: ${error.stack ?? error}\n`);
  process.exit(1);
});

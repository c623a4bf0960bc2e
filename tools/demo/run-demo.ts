// `npm run demo`: the headline story through the public API of a running gateway (embedded
// `npm start` or `npm run stack`): a credit order on 6 installments, shipped, two periods
// repaid, one item returned (the remaining periods shrink), the rest returned (the remaining
// periods are voided, the repaid principal goes to the balance). Prints the plan after every
// step. Needs the test clock (statement days are reached by moving the platform clock):
// embedded mode has it on unless TEST_CLOCK=0; the stack needs TEST_CLOCK=1.
import { randomUUID } from 'node:crypto';
import { type ApiSchema, createOrderlineClient, type OrderlineClient, responseSchemaCheck } from '@orderline/shared/api-client';

const BASE = (process.env.GATEWAY_URL ?? 'http://localhost:3000/api/v1').replace(/\/$/, '');
/** The typed client's paths carry the /api/v1 prefix of the document; it wants the gateway's origin. */
const ORIGIN = BASE.replace(/\/api\/v1$/, '');
const [OPERATOR_USER, OPERATOR_PASSWORD] = (process.env.DEMO_OPERATOR ?? process.env.BOOTSTRAP_OPERATOR ?? 'operator:operator-password').split(/:(.*)/s);
const OFFSET_MS = Number(process.env.PLATFORM_UTC_OFFSET_MINUTES ?? 480) * 60_000;

const yuan = (fen: number) => `${fen < 0 ? '-' : ''}${Math.trunc(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const say = (text = '') => process.stdout.write(`${text}\n`);

class DemoStop extends Error {}

type Loan = ApiSchema<'LoanView'>;
type CreditAccount = ApiSchema<'CreditAccountView'>;

/** A signed-in client whose every answer is checked against docs/api/openapi.json (a drift stops the demo). */
function clientFor(token?: string): OrderlineClient {
  const client = createOrderlineClient(ORIGIN, token);
  client.use(responseSchemaCheck(), {
    // State-changing calls carry an Idempotency-Key, as a careful client sends them.
    onRequest: ({ request }) => {
      if (request.method !== 'GET' && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', randomUUID());
      return request;
    },
  });
  return client;
}

/** The body of a 2xx answer, or a DemoStop saying what the gateway answered instead. */
async function ok<Data>(call: Promise<{ data?: Data; error?: unknown; response: Response }>): Promise<Exclude<Data, undefined>> {
  let result: { data?: Data; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof TypeError) throw new DemoStop(`the gateway at ${BASE} does not answer (${(error.cause as { code?: string })?.code ?? error.message}); start it with \`npm start\` (or set GATEWAY_URL)`);
    throw error;
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const problem = error as { code?: string; detail?: string } | undefined;
    throw new DemoStop(`${new URL(response.url).pathname} answered ${response.status}: ${problem?.code ?? ''} ${problem?.detail ?? JSON.stringify(error)}`);
  }
  return data as Exclude<Data, undefined>;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new DemoStop(`timed out waiting for ${what}`);
}

async function login(username: string, password: string): Promise<OrderlineClient> {
  const { accessToken } = await ok(clientFor().POST('/api/v1/auth/token', { body: { username, password } }));
  return clientFor(accessToken);
}

function printPlan(title: string, loan: Loan | undefined, account: CreditAccount): void {
  say(`\n== ${title}`);
  if (!loan) {
    say(`   no loan yet — credit line: limit ${yuan(account.limit)}, held ${yuan(account.held)}, available ${yuan(account.available)}`);
    return;
  }
  const rows = loan.periods.map((p) => [String(p.index), p.statementDate, p.dueDate, yuan(p.principal), yuan(p.fee), yuan(p.paid), yuan(p.credited ?? 0), p.status]);
  const header = ['#', 'statement', 'due', 'principal', 'fee', 'paid', 'credited', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => ('   ' + cells.map((c, i) => (i >= 3 && i <= 6 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')).trimEnd();
  say(line(header));
  say('   ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) say(line(row));
  say(`   loan principal ${yuan(loan.principal)}, refunded ${yuan(loan.refundedPrincipal)}, outstanding ${yuan(loan.outstandingPrincipal)}${loan.settled ? ', SETTLED' : ''}`);
  say(`   credit line: outstanding ${yuan(account.outstanding)}, balance ${yuan(account.balance)}, available ${yuan(account.available)} of ${yuan(account.limit)}`);
}

async function main(): Promise<void> {
  say(`Orderline demo against ${BASE}`);
  const operator = await login(OPERATOR_USER, OPERATOR_PASSWORD);
  const clock = await operator.GET('/api/v1/admin/clock');
  if (clock.response.status === 404) throw new DemoStop('the platform clock cannot be moved on this gateway (statement days need it): start with TEST_CLOCK=1 (`npm start` enables it unless TEST_CLOCK=0)');

  const suffix = randomUUID().slice(0, 6);
  const merchant = await ok(operator.POST('/api/v1/merchants', { body: { name: `Demo Kitchen ${suffix}`, mainAccount: { username: `demo-shop-${suffix}`, password: 'merchant-password', phone: '13900000000' } } }));
  const shop = await login(`demo-shop-${suffix}`, 'merchant-password');
  await ok(operator.POST('/api/v1/buyers', { body: { username: `demo-buyer-${suffix}`, password: 'buyer-password', name: '李四', phone: '13800000000', creditLimit: 1_000_000 } }));
  const buyer = await login(`demo-buyer-${suffix}`, 'buyer-password');
  say(`merchant ${merchant.name} and buyer demo-buyer-${suffix} (credit limit 10000.00) created`);

  // The merchant prices its goods; the buyer only names SKUs and quantities (domain.md §1.1a).
  for (const [skuId, title] of [['kettle', 'Kettle'], ['toaster', 'Toaster'], ['blender', 'Blender']]) {
    await ok(shop.PUT('/api/v1/merchant/catalog/skus/{skuId}', { params: { path: { skuId } }, body: { title, unitPrice: 19_900, listed: true } }));
  }
  const order = await ok(
    buyer.POST('/api/v1/orders', {
      body: {
        merchantId: merchant.id,
        items: [
          { skuId: 'kettle', quantity: 1 },
          { skuId: 'toaster', quantity: 1 },
          { skuId: 'blender', quantity: 1 },
        ],
        consignee: { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } },
        paymentMethod: 'CREDIT',
        credit: { plan: 'INSTALLMENT', periods: 6 },
      },
    }),
  );
  say(`order ${order.id}: ${order.lines.map((l) => `${l.title} ${yuan(l.lineTotal)}`).join(', ')} = ${yuan(order.payable)} on 6 installments`);
  const orderStatus = async () => (await ok(buyer.GET('/api/v1/orders/{id}', { params: { path: { id: order.id } } }))).status;
  await waitFor('the credit hold', async () => (await orderStatus()) === 'WAITING_OUTBOUND');
  const loanOf = async (): Promise<Loan | undefined> => (await ok(buyer.GET('/api/v1/credit/loans', { params: { query: { orderId: order.id } } })))[0];
  const account = () => ok(buyer.GET('/api/v1/credit/account'));
  printPlan('placed: the payable is held on the credit line', await loanOf(), await account());

  // Shipping (logistics): the merchant ships the order; the hold becomes a loan (domain.md §4.2).
  const shipped = await ok(shop.POST('/api/v1/merchant/shipments', { body: { orderIds: [order.id], carrier: 'SF', waybillNo: `SF${Date.now()}` } }));
  say(`shipped with SF, waybill ${shipped.results[0]?.waybillNo ?? '—'}`);
  await waitFor('the order to ship', async () => (await orderStatus()) === 'SHIPPED');
  await waitFor('after-sales to see the shipment', async () => (await buyer.GET('/api/v1/after-sales/refundable', { params: { query: { orderId: order.id } } })).data?.status === 'SHIPPED');
  let loan = await waitFor('the loan', loanOf);
  printPlan('shipped: the hold became a loan of 6 periods (principal floor(597.00 / 6), fee 0.50 % per period)', loan, await account());

  for (const month of [1, 2]) {
    const next = loan.periods.find((p) => p.status === 'SCHEDULED');
    if (!next) throw new DemoStop('the loan has no scheduled period left');
    const target = new Date(Date.parse(`${next.statementDate}T00:01:00Z`) - OFFSET_MS);
    const now = Date.parse((await ok(operator.GET('/api/v1/admin/clock'))).now);
    if (target.getTime() > now) await ok(operator.POST('/api/v1/admin/clock', { body: { now: target.toISOString() } }));
    await waitFor(`period ${next.index} to be billed`, async () => (await loanOf())?.periods[next.index - 1].status === 'BILLED');
    // Newest first: the statement just issued.
    const [statement] = await ok(buyer.GET('/api/v1/credit/statements'));
    const repayment = await ok(buyer.POST('/api/v1/credit/repayments', { body: { amount: statement.amountDue } }));
    say(`\nstatement day ${next.statementDate}: ${yuan(statement.amountDue)} due; the buyer repays it (principal ${yuan(repayment.principalRepaid ?? 0)}, fee ${yuan(repayment.feePaid ?? 0)})`);
    loan = await waitFor(`period ${next.index} paid`, async () => {
      const current = await loanOf();
      return current?.periods[next.index - 1].status === 'PAID' ? current : undefined;
    });
    printPlan(`period ${month} repaid`, loan, await account());
  }

  const afterSales = async (lines: Array<{ lineId: string; quantity: number }>, label: string): Promise<number> => {
    const applied = await ok(buyer.POST('/api/v1/after-sales', { body: { orderId: order.id, type: 'RETURN_AND_REFUND', lines, reason: 'NO_LONGER_WANTED', evidence: ['img://demo/photo-1.jpg'] } }));
    const id = { params: { path: { id: applied.id } } };
    await ok(shop.POST('/api/v1/merchant/after-sales/{id}/approve', id));
    await ok(buyer.POST('/api/v1/after-sales/{id}/return-shipment', { ...id, body: { carrier: 'SF', waybillNo: `SFR${Date.now()}` } }));
    const received = await ok(shop.POST('/api/v1/merchant/after-sales/{id}/confirm-receipt', { ...id, body: {} }));
    const done = await waitFor('the refund', async () => {
      const current = await ok(buyer.GET('/api/v1/after-sales/{id}', id));
      return current.status === 'REFUNDED' && current.refund ? { ...current, refund: current.refund } : undefined;
    });
    const refund = done.refund;
    say(`\n${label}: after-sales ${applied.id} ${received.history.map((h) => h.to).join(' → ')}${done.status !== received.status ? ` → ${done.status}` : ''}`);
    say(`   refund ${yuan(refund.amount)} (${refund.lines.map((l) => `${order.lines.find((o) => o.id === l.lineId)?.title} ×${l.quantity} ${yuan(l.amount)}`).join(', ')}), settled by ${refund.settlements.map((s) => s.method).join(', ')} → RefundCompleted`);
    return refund.amount;
  };

  let refunded = await afterSales([{ lineId: order.lines[0].id, quantity: 1 }], 'the buyer returns the kettle');
  loan = await waitFor('the offset', async () => {
    const current = await loanOf();
    return current?.refundedPrincipal === refunded ? current : undefined;
  });
  printPlan('partial refund: the 4 remaining periods shrink (re-spread), their fees follow the reduced principal', loan, await account());

  refunded += await afterSales(
    order.lines.slice(1).map((l) => ({ lineId: l.id, quantity: 1 })),
    'the buyer returns the toaster and the blender',
  );
  loan = await waitFor('the loan to settle', async () => {
    const current = await loanOf();
    return current?.refundedPrincipal === refunded && current.settled ? current : undefined;
  });
  printPlan('full refund: the remaining periods are voided; the principal already repaid goes to the balance', loan, await account());
  say('\nDone.');
}

main().catch((error: Error) => {
  if (error instanceof DemoStop) {
    process.stderr.write(`\ndemo stopped: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`\ndemo failed: ${error.stack ?? error}\n`);
  process.exit(1);
});

// What must hold once a chaos history has settled, read from the services' databases and the
// public API. The ledger and loan checks are the domain's own (libs/credit-billing/domain
// ledger.ts / loan.ts, the ones the property tests use); this file only loads the rows.
'use strict';
const path = require('node:path');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..', '..');
const { ledgerProblems, loanProblems, loanInvariantProblems, accountBalances, buyerBalanceOf, outstandingPrincipalOf } = require(path.join(ROOT, 'dist/libs/credit-billing/domain/src/index.js'));

const DATABASES = ['gateway', 'order', 'logistics', 'after_sales', 'credit_billing', 'export'];

async function query(url, sql, parameters = []) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows;
  } finally {
    await client.end();
  }
}

/** The rows a posting is made of, as the credit book reads them (credit-book.ts `postings`). */
function postingOf(row) {
  return { postingKey: row.posting_key, kind: row.kind, accountId: row.credit_account_id, ...(row.loan_id ? { loanId: row.loan_id } : {}), pending: row.pending, entries: row.entries };
}

/** Outbox rows still to publish and parked ones, per service database. */
async function outboxState(databaseUrl) {
  const state = {};
  for (const database of DATABASES) {
    const [row] = await query(
      databaseUrl(database),
      `SELECT count(*) FILTER (WHERE published_at IS NULL AND parked_at IS NULL)::int AS backlog, count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked FROM outbox_event`,
    );
    state[database] = row;
  }
  return state;
}

/**
 * Every invariant over one seed's actors. `scope`: { accountIds, buyers: [{ client, creditAccountId }],
 * merchantId, acceptedOrderIds, afterSalesIds: [{ id, buyer }] }. Returns violations { invariant, ids, detail }.
 */
async function checkInvariants({ databaseUrl, scope, deadLetters, serverErrors }) {
  const violations = [];
  const violation = (invariant, ids, detail) => violations.push({ invariant, ids, detail });
  const creditDb = databaseUrl('credit_billing');
  const orderDb = databaseUrl('order');
  const afterSalesDb = databaseUrl('after_sales');

  // Every order of the seed's merchant, also one a lost answer made the client place twice.
  scope = { ...scope, orderIds: (await query(orderDb, `SELECT id FROM customer_order WHERE merchant_id = $1`, [scope.merchantId])).map((row) => row.id) };

  // --- credit lines, ledger and loans ---------------------------------------------------
  const accounts = await query(creditDb, `SELECT id, credit_limit::bigint AS credit_limit, held::bigint AS held, outstanding::bigint AS outstanding, balance::bigint AS balance FROM credit_account WHERE id = ANY($1)`, [scope.accountIds]);
  const holds = await query(
    creditDb,
    `SELECT id, order_id, credit_account_id, amount::bigint AS amount, captured_amount::bigint AS captured, released_amount::bigint AS released, status FROM credit_hold WHERE credit_account_id = ANY($1)`,
    [scope.accountIds],
  );
  const loans = await query(creditDb, `SELECT id, order_id, credit_account_id, hold_id, settled, document FROM loan WHERE credit_account_id = ANY($1)`, [scope.accountIds]);
  const postingRows = await query(creditDb, `SELECT posting_key, kind, credit_account_id, loan_id, pending, entries FROM ledger_posting WHERE credit_account_id = ANY($1) ORDER BY id`, [scope.accountIds]);
  const refunds = await query(creditDb, `SELECT refund_id, order_id, credit_account_id, amount::bigint AS amount, status FROM credit_refund WHERE credit_account_id = ANY($1)`, [scope.accountIds]);
  for (const account of accounts) {
    const postings = postingRows.filter((row) => row.credit_account_id === account.id).map(postingOf);
    for (const problem of ledgerProblems(postings)) violation('ledger balanced', [account.id], problem);
    const ledger = accountBalances(postings);
    const accountLoans = loans.filter((loan) => loan.credit_account_id === account.id);
    for (const loan of accountLoans) {
      const own = postings.filter((p) => p.entries.some((entry) => entry.loanId === loan.id));
      for (const problem of [...loanProblems(loan.document), ...loanInvariantProblems(loan.document, own)]) violation('per-loan principal identity', [account.id, loan.id, loan.order_id], problem);
    }
    const activeHolds = holds.filter((hold) => hold.credit_account_id === account.id && hold.status === 'ACTIVE');
    const heldByHolds = activeHolds.reduce((sum, hold) => sum + Number(hold.amount) - Number(hold.captured) - Number(hold.released), 0);
    const outstandingByLoans = accountLoans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan.document), 0);
    const figures = { held: Number(account.held), outstanding: Number(account.outstanding), balance: Number(account.balance), limit: Number(account.credit_limit) };
    if (figures.held !== heldByHolds) violation('line = open holds + loan principal', [account.id, ...activeHolds.map((h) => h.id)], `held ${figures.held}, active holds ${heldByHolds}`);
    if (figures.held !== (ledger.get('CREDIT_HOLD_RESERVED') ?? 0)) violation('line = open holds + loan principal', [account.id], `held ${figures.held}, ledger reserves ${ledger.get('CREDIT_HOLD_RESERVED') ?? 0}`);
    if (figures.outstanding !== outstandingByLoans) violation('line = open holds + loan principal', [account.id], `outstanding ${figures.outstanding}, loans say ${outstandingByLoans}`);
    if (figures.outstanding !== (ledger.get('LOAN_PRINCIPAL_RECEIVABLE') ?? 0)) violation('line = open holds + loan principal', [account.id], `outstanding ${figures.outstanding}, ledger says ${ledger.get('LOAN_PRINCIPAL_RECEIVABLE') ?? 0}`);
    if (figures.balance !== buyerBalanceOf(postings)) violation('ledger balanced', [account.id], `balance ${figures.balance}, ledger says ${buyerBalanceOf(postings)}`);
    // The buyer sees the same line through the public API.
    const buyer = scope.buyers.find((b) => b.creditAccountId === account.id);
    if (buyer) {
      const seen = await buyer.client.get('/credit/account');
      for (const key of ['held', 'outstanding', 'balance']) if (seen[key] !== figures[key]) violation('limit/held/outstanding agree (API)', [account.id], `GET /credit/account ${key} ${seen[key]}, database ${figures[key]}`);
      if (seen.available !== figures.limit - figures.held - figures.outstanding && !(seen.available === 0 && figures.limit < figures.held + figures.outstanding)) {
        violation('limit/held/outstanding agree (API)', [account.id], `available ${seen.available} ≠ limit ${figures.limit} − held ${figures.held} − outstanding ${figures.outstanding}`);
      }
    }
  }

  // --- orders, holds and loans agree ----------------------------------------------------
  const orders = await query(orderDb, `SELECT id, status, payment_method, credit_hold_id FROM customer_order WHERE id = ANY($1)`, [scope.orderIds]);
  const lost = scope.acceptedOrderIds.filter((id) => !scope.orderIds.includes(id));
  if (lost.length) violation('orders/holds/loans agree', lost, 'orders the gateway accepted are missing in the order service');
  for (const order of orders) {
    const orderHolds = holds.filter((hold) => hold.order_id === order.id);
    const orderLoans = loans.filter((loan) => loan.order_id === order.id);
    const active = orderHolds.filter((hold) => hold.status === 'ACTIVE');
    const ids = [order.id, ...orderHolds.map((h) => h.id), ...orderLoans.map((l) => l.id)];
    if (order.status === 'UNPAID') violation('no order stuck UNPAID', ids, `order ${order.id} is still UNPAID`);
    if (orderHolds.length > 1 || orderLoans.length > 1) violation('orders/holds/loans agree', ids, `${orderHolds.length} holds and ${orderLoans.length} loans for one order`);
    if (order.status === 'CANCELLED') {
      if (active.length > 0 || orderLoans.length > 0) violation('orders/holds/loans agree', ids, `cancelled order with ${active.length} active holds and ${orderLoans.length} loans`);
    } else if (['WAITING_OUTBOUND', 'PAUSED'].includes(order.status)) {
      if (active.length !== 1 || orderLoans.length !== 0) violation('orders/holds/loans agree', ids, `${order.status} order with ${active.length} active holds and ${orderLoans.length} loans (want exactly one active hold)`);
      else if (order.credit_hold_id !== active[0].id) violation('orders/holds/loans agree', ids, `order names hold ${order.credit_hold_id}, credit-billing holds ${active[0].id}`);
    } else if (['SHIPPED', 'DELIVERED', 'COMPLETED'].includes(order.status)) {
      if (orderLoans.length !== 1 || active.length !== 0) violation('orders/holds/loans agree', ids, `${order.status} order with ${orderLoans.length} loans and ${active.length} active holds (want exactly one loan)`);
    }
  }

  // A shipment accepted while the buyer cancelled (logistics' copy was behind) is voided once
  // the order service rejects the dispatch; a shipped order keeps its live shipment.
  const shipments = await query(databaseUrl('logistics'), `SELECT order_id, count(*) FILTER (WHERE voided_at IS NULL)::int AS live FROM shipment_order WHERE order_id = ANY($1) GROUP BY 1`, [scope.orderIds]);
  for (const order of orders) {
    const live = shipments.find((row) => row.order_id === order.id)?.live ?? 0;
    if (order.status === 'CANCELLED' && live > 0) violation('a cancelled order has no live shipment', [order.id], `${live} shipment(s) of a cancelled order not voided`);
    if (['SHIPPED', 'DELIVERED', 'COMPLETED'].includes(order.status) && live !== 1) violation('a shipped order has one live shipment', [order.id], `${order.status} with ${live} live shipments`);
  }

  // --- no event applied twice; every refund settled or visibly failed --------------------
  for (const loan of loans) {
    const appliedIds = loan.document.appliedRefundIds;
    if (new Set(appliedIds).size !== appliedIds.length) violation('no event applied twice', [loan.id, loan.order_id], `refund ids applied twice: ${appliedIds.join(', ')}`);
    const applied = refunds.filter((refund) => refund.order_id === loan.order_id && refund.status === 'APPLIED');
    const appliedAmount = applied.reduce((sum, refund) => sum + Number(refund.amount), 0);
    if (appliedAmount !== loan.document.refundedPrincipal) violation('no event applied twice', [loan.id, loan.order_id, ...applied.map((r) => r.refund_id)], `loan refunded ${loan.document.refundedPrincipal}, applied refunds ${appliedAmount}`);
    const missing = applied.filter((refund) => !appliedIds.includes(refund.refund_id));
    if (missing.length) violation('no event applied twice', [loan.id, ...missing.map((r) => r.refund_id)], 'refunds recorded APPLIED that the loan does not list');
  }
  // Each event that moves an order or a line happens once per order: a second one means an
  // event was applied twice (the inbox or the handler's own guard let it through).
  const onceEvents = await query(
    creditDb,
    `SELECT event_type, envelope::jsonb -> 'payload' ->> 'orderId' AS order_id, count(*)::int AS n FROM outbox_event
      WHERE event_type IN ('CreditHoldPlaced', 'CreditHoldDeclined', 'LoanBooked') AND envelope::jsonb -> 'payload' ->> 'orderId' = ANY($1) GROUP BY 1, 2 HAVING count(*) > 1`,
    [scope.orderIds],
  );
  for (const row of onceEvents) violation('no event applied twice', [row.order_id], `${row.n} ${row.event_type} events for one order`);
  const repeated = await query(
    orderDb,
    `SELECT order_id, from_status, to_status, count(*)::int AS n FROM order_status_history
      WHERE order_id = ANY($1) AND (from_status IS NULL OR from_status IN ('UNPAID', 'SHIPPED', 'DELIVERED') OR to_status IN ('SHIPPED', 'CANCELLED', 'COMPLETED'))
      GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    [scope.orderIds],
  );
  for (const row of repeated) violation('no event applied twice', [row.order_id], `${row.from_status ?? 'none'} → ${row.to_status} recorded ${row.n} times`);

  const grants = await query(
    afterSalesDb,
    `SELECT r.id, r.order_id, r.amount::bigint AS amount, r.status, s.status AS settlement, s.method FROM refund r LEFT JOIN refund_settlement s ON s.refund_id = r.id WHERE r.order_id = ANY($1)`,
    [scope.orderIds],
  );
  const completedEvents = await query(afterSalesDb, `SELECT envelope::jsonb -> 'payload' ->> 'refundId' AS refund_id, count(*)::int AS n FROM outbox_event WHERE event_type = 'RefundCompleted' GROUP BY 1 HAVING count(*) > 1`);
  for (const row of completedEvents) if (grants.some((g) => g.id === row.refund_id)) violation('no event applied twice', [row.refund_id], `${row.n} RefundCompleted events for one refund`);
  for (const grant of grants) {
    const ids = [grant.id, grant.order_id];
    if (grant.status !== 'COMPLETED') violation('every refund settled or visibly failed', ids, `refund ${grant.status}`);
    if (!['SETTLED', 'FAILED', 'ESCALATED'].includes(grant.settlement)) violation('every refund settled or visibly failed', ids, `settlement ${grant.settlement ?? 'missing'}`);
    if (grant.method !== 'CREDIT') continue;
    const offset = refunds.find((refund) => refund.refund_id === grant.id);
    if (!offset) violation('every refund settled or visibly failed', ids, 'credit-billing never received the refund');
    else if (grant.settlement === 'SETTLED' && !['APPLIED', 'HOLD_RELEASED'].includes(offset.status)) violation('every refund settled or visibly failed', ids, `settled in after-sales, ${offset.status} in credit-billing`);
    else if (grant.settlement === 'FAILED' && offset.status !== 'REJECTED') violation('every refund settled or visibly failed', ids, `failed in after-sales, ${offset.status} in credit-billing`);
    else if (Number(offset.amount) !== Number(grant.amount)) violation('every refund settled or visibly failed', ids, `after-sales refunded ${grant.amount}, credit-billing received ${offset.amount}`);
  }
  // The buyer sees each refund's settlement through the API.
  for (const { id, buyer } of scope.afterSalesIds) {
    const request = await buyer.client.get(`/after-sales/${id}`);
    if (request.refund && !['SETTLED', 'FAILED', 'ESCALATED'].includes(request.refund.settlementStatus)) violation('every refund settled or visibly failed', [id, request.refund.id], `GET /after-sales/${id} settlementStatus ${request.refund.settlementStatus}`);
  }

  // --- nothing parked, nothing dead-lettered, no 500 ------------------------------------
  for (const [database, state] of Object.entries(await outboxState(databaseUrl))) {
    if (state.parked > 0) {
      const parked = await query(databaseUrl(database), `SELECT event_id, event_type, attempts, last_error FROM outbox_event WHERE parked_at IS NOT NULL LIMIT 5`);
      violation('no parked outbox rows', parked.map((row) => row.event_id), `${database}: ${state.parked} parked (${parked.map((row) => `${row.event_type}: ${row.last_error}`).join('; ')})`);
    }
  }
  for (const [topic, count] of Object.entries(deadLetters)) if (count > 0) violation('no dead-lettered events', [topic], `${count} events dead-lettered to ${topic}`);
  for (const error of serverErrors) violation('no 500 answers', [error.path], `${error.method} ${error.path} answered 500: ${JSON.stringify(error.body).slice(0, 300)}`);
  return violations;
}

module.exports = { checkInvariants, outboxState, query, DATABASES };

import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { answerOf } from '@orderline/shared/api-client';
import { nextSfWaybillNo } from './support/after-sales-steps';
import { clearScreenshots, launchChromium, newConsolePage, screenshot, signIn, unlabelledControls, waitForText } from './support/console-browser';
import { GatewayClient, gatewayHealthy, operatorOf, TEST_CONSIGNEE, waitForStatus } from './support/gateway-client';
import { expectPortFree, waitUntil } from './support/infrastructure';
import { readZip } from './support/zip-reader';
import { formatFen } from '../apps/console/src/money';

// The browser console (issue 17) in Debian's headless Chromium against the embedded platform,
// as `npm start` serves it at `/`: the "Done when" flows of the issue, a screenshot of every
// page under tmp/test-artifacts/console/, and every control checked for an accessible name.
jest.setTimeout(600_000);

const PORT = 4300 + Number(process.env.TEST_PORT_SHIFT ?? 0);
const BASE = `http://127.0.0.1:${PORT}`;
const MERCHANT_PHONE = '13900000000';
const suffix = Date.now().toString(36);
const MERCHANT = { username: `console-shop-${suffix}`, password: 'merchant-password' };
const BUYER = { username: `console-buyer-${suffix}`, password: 'buyer-password' };
const SUB = { username: `console-sub-${suffix}`, password: 'sub-account-password' };
const short = (id: string) => id.slice(0, 8);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function startPlatform(dataDir: string): ChildProcess {
  mkdirSync('tmp/test-logs/console', { recursive: true });
  const log = openSync('tmp/test-logs/console/platform.log', 'a');
  return spawn(process.execPath, ['-r', './tools/runtime/register-paths.js', 'dist/apps/platform/src/main.js'], {
    env: { ...process.env, PORT: String(PORT), ORDERLINE_DATA_DIR: dataDir, LOG_LEVEL: 'info', KAFKA_BROKERS: '', POSTGRES_URL: '' },
    stdio: ['ignore', log, log],
  });
}

/**
 * Chooses an option of the Ant Design select labelled `label` and waits until the select shows
 * it. On a busy machine a click can land while the dropdown is still moving and choose nothing
 * (a clean-clone run went on without a carrier and waited a minute for the waybill field), so
 * the choice is made again, up to three times. No Escape to close a dropdown that lingers: inside
 * a dialog it would close the dialog too; the next click waits until nothing covers its target.
 */
async function choose(page: Page, label: string | RegExp, option: string | RegExp): Promise<void> {
  const field = page.getByLabel(label, { exact: typeof label === 'string' });
  const shown = field.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ant-select-content ")][1]');
  const dropdown = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  for (let attempt = 1; ; attempt++) {
    if (!(await dropdown.first().isVisible())) await field.click();
    await dropdown.locator('.ant-select-item-option').filter({ hasText: option }).first().click();
    await dropdown.first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    const text = (await shown.textContent()) ?? '';
    if (typeof option === 'string' ? text.includes(option) : option.test(text)) return;
    if (attempt === 3) throw new Error(`the select labelled ${label} shows "${text}" after three choices of ${option}`);
  }
}

/** The page's screenshot, and no control without an accessible name. */
async function checkPage(page: Page, name: string, extraPath?: string): Promise<void> {
  await screenshot(page, name, extraPath);
  expect({ page: name, unlabelled: await unlabelledControls(page) }).toEqual({ page: name, unlabelled: [] });
}

describe('the browser console (issue 17) on the embedded platform in headless Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orderline-console-'));
  let platform: ChildProcess;
  let browser: Browser;
  let merchant: Page;
  let buyerPage: Page;
  let operator: GatewayClient;
  let merchantApi: GatewayClient;
  let buyerApi: GatewayClient;
  let merchantId: string;
  const orders: Record<'single' | 'batch1' | 'batch2' | 'merged1' | 'merged2' | 'address' | 'cancel' | 'unpaid', string> = {} as never;

  beforeAll(async () => {
    clearScreenshots();
    await expectPortFree(PORT);
    platform = startPlatform(dataDir);
    const [launched] = await Promise.all([launchChromium(), waitUntil(() => gatewayHealthy(BASE), 'the embedded platform to answer /api/v1/health', 240_000, 250)]);
    browser = launched;
    const gateway = new GatewayClient(BASE);
    operator = await operatorOf(gateway);
    merchantId = (await answerOf(operator.api.POST('/api/v1/merchants', { body: { name: `Console shop ${suffix}`, mainAccount: { ...MERCHANT, phone: MERCHANT_PHONE } } }), 201)).id;
    await answerOf(operator.api.POST('/api/v1/buyers', { body: { ...BUYER, name: TEST_CONSIGNEE.name, phone: TEST_CONSIGNEE.phone, creditLimit: 500_000 } }), 201);
    merchantApi = await gateway.login(MERCHANT.username, MERCHANT.password);
    buyerApi = await gateway.login(BUYER.username, BUYER.password);
    await answerOf(merchantApi.api.PUT('/api/v1/merchant/catalog/skus/{skuId}', { params: { path: { skuId: 'console-kettle' } }, body: { title: 'Kettle', unitPrice: 19_900, listed: true } }), 200);
    // The buyer places the orders through the API (the issue: "a buyer places nothing by hand").
    for (const key of ['single', 'batch1', 'batch2', 'merged1', 'merged2', 'address', 'cancel'] as const) {
      const placed = await answerOf(
        buyerApi.api.POST('/api/v1/orders', {
          body: { merchantId, items: [{ skuId: 'console-kettle', quantity: 1 }], consignee: TEST_CONSIGNEE, paymentMethod: 'CREDIT', credit: { plan: 'INSTALLMENT', periods: 6 }, ...(key === 'single' ? { buyerNote: 'please call before delivery' } : {}) },
        }),
        201,
      );
      orders[key] = placed.id;
    }
    for (const id of Object.values(orders)) await waitForStatus(buyerApi, id, 'WAITING_OUTBOUND', 60_000);
    // An online order nobody pays stays UNPAID: the unpaid tab's freight change (domain.md §1.7).
    const unpaid = await answerOf(buyerApi.api.POST('/api/v1/orders', { body: { merchantId, items: [{ skuId: 'console-kettle', quantity: 1 }], consignee: TEST_CONSIGNEE, paymentMethod: 'ONLINE' } }), 201);
    orders.unpaid = unpaid.id;
    merchant = (await newConsolePage(browser, BASE)).page;
    buyerPage = (await newConsolePage(browser, BASE)).page;
  });

  afterAll(async () => {
    await browser?.close();
    let hung = false;
    if (platform && platform.exitCode === null) {
      const exited = new Promise((resolve) => platform.once('exit', resolve));
      platform.kill('SIGTERM');
      // A platform that does not stop is a bug this suite reports, but it must not keep its port
      // (the next suites' stacks use the same range): killed after the wait, then failed.
      const stopped = await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 120_000).unref())]);
      if (!stopped) {
        platform.kill('SIGKILL');
        await exited;
        hung = true;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (hung) throw new Error('the embedded platform did not exit within 120 s of SIGTERM');
  });

  it('a merchant signs in, sees the order list with its tab counts, finds an order by tab and filter, reveals a consignee, and switches to English', async () => {
    await signIn(merchant, MERCHANT.username, MERCHANT.password);
    await merchant.getByRole('heading', { name: '订单查询与跟踪' }).waitFor();
    await waitForText(merchant.getByTestId('tab-WAITING_OUTBOUND'), /7/);
    await merchant.getByTestId('order-link').nth(6).waitFor();
    await checkPage(merchant, 'merchant-orders', process.env.CONSOLE_README_SCREENSHOT ? 'docs/images/console-orders.png' : undefined);

    // The status tabs are a tab list: arrow keys move the selection (and the list with it).
    await merchant.getByRole('tab', { name: /全部/ }).focus();
    await merchant.keyboard.press('ArrowRight');
    await waitUntil(async () => (await merchant.getByRole('tab', { name: /待付款/ }).getAttribute('aria-selected')) === 'true' || undefined, 'ArrowRight to select the next tab');
    await waitUntil(async () => (await merchant.getByTestId('order-link').count()) === 1 || undefined, 'the UNPAID tab to list the one unpaid order');
    await merchant.keyboard.press('ArrowLeft');
    await waitUntil(async () => (await merchant.getByRole('tab', { name: /全部/ }).getAttribute('aria-selected')) === 'true' || undefined, 'ArrowLeft to select the first tab again');

    await merchant.getByTestId('tab-SHIPPED').click();
    await waitUntil(async () => (await merchant.getByTestId('order-link').count()) === 0 || undefined, 'the SHIPPED tab to list nothing yet');
    await merchant.getByTestId('tab-WAITING_OUTBOUND').click();
    await merchant.getByLabel('订单号', { exact: true }).fill(orders.address);
    await merchant.getByRole('button', { name: /查\s*询/ }).click();
    await waitUntil(async () => (await merchant.getByTestId('order-link').count()) === 1 || undefined, 'the filter to leave one order');
    expect(await merchant.getByTestId('order-link').textContent()).toBe(short(orders.address));
    expect(await merchant.getByTestId('consignee').textContent()).not.toContain(TEST_CONSIGNEE.phone);
    await merchant.getByRole('button', { name: `查看 收货人 ${short(orders.address)}` }).click();
    await waitForText(merchant.getByTestId('consignee'), new RegExp(TEST_CONSIGNEE.phone));
    await checkPage(merchant, 'merchant-orders-filtered-revealed');
    await merchant.getByRole('button', { name: /重\s*置/ }).click();

    // The rest of §1.10's filters open on demand; an applied one the collapsed form hides is counted on its button.
    await merchant.getByRole('tab', { name: /全部/ }).click();
    await merchant.getByRole('button', { name: '更多筛选' }).click();
    await choose(merchant, '支付方式', '在线支付');
    await merchant.getByRole('button', { name: /查\s*询/ }).click();
    await waitUntil(async () => (await merchant.getByTestId('order-link').count()) === 1 || undefined, 'the payment-method filter to leave the online order');
    expect(await merchant.getByTestId('order-link').textContent()).toBe(short(orders.unpaid));
    await merchant.getByRole('button', { name: '收起筛选' }).click();
    await merchant.getByRole('button', { name: '更多筛选 (1)' }).waitFor();
    expect(await merchant.getByTestId('order-link').count()).toBe(1);
    await merchant.getByRole('button', { name: /重\s*置/ }).click();
    await waitUntil(async () => (await merchant.getByTestId('order-link').count()) === 8 || undefined, 'the reset to list every order again');

    const languages = merchant.getByRole('banner').or(merchant.locator('header'));
    await languages.getByText('English', { exact: true }).click();
    await merchant.getByRole('heading', { name: 'Orders' }).waitFor();
    await languages.getByText('中文', { exact: true }).click();
    await merchant.getByRole('heading', { name: '订单查询与跟踪' }).waitFor();
  });

  it('serves pages uncached and its content-named script and stylesheet for good; opening the list asks for its data once, before rendering', async () => {
    const page = await fetch(`${BASE}/orders`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const assets = [...(await page.text()).matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((found) => found[1]);
    expect(assets.filter((asset) => /\.(js|css)$/.test(asset)).length).toBeGreaterThanOrEqual(2); // the script and Ant Design's stylesheet
    for (const asset of assets) expect({ asset, caching: (await fetch(`${BASE}${asset}`)).headers.get('cache-control') }).toEqual({ asset, caching: 'public, max-age=31536000, immutable' });

    // A signed-in merchant opening /orders: the list call and the permission call leave from the
    // script's start (main.tsx), and the page finds them instead of asking again.
    const calls: string[] = [];
    const record = (request: { url(): string }) => calls.push(new URL(request.url()).pathname + new URL(request.url()).search);
    merchant.on('request', record);
    await merchant.goto('/orders');
    await merchant.getByTestId('order-link').nth(6).waitFor();
    await merchant.locator('nav[aria-busy="false"]').waitFor({ state: 'attached' });
    merchant.off('request', record);
    expect(calls.filter((call) => call.startsWith('/api/'))).toEqual(expect.arrayContaining(['/api/v1/auth/me', '/api/v1/merchant/orders?limit=20']));
    expect(calls.filter((call) => call.startsWith('/api/')).length).toBe(2);
  });

  it('ships one order (third-party carrier, waybill entered), a batch (generate waybill numbers) and a merged package', async () => {
    await merchant.getByTestId('order-link').nth(6).waitFor();
    // One order: SF, the merchant enters the waybill number.
    await merchant.getByRole('button', { name: `出库 ${short(orders.single)}` }).click();
    const single = merchant.getByRole('dialog');
    await choose(merchant, '承运商', /^SF$/);
    const waybill = nextSfWaybillNo();
    await single.getByLabel('运单号').fill(waybill);
    await checkPage(merchant, 'ship-one');
    await single.getByRole('button', { name: /^出\s*库$/ }).click();
    await waitForText(single.getByTestId('shipment-results'), new RegExp(`${waybill}`));
    await single.getByRole('button', { name: 'OK' }).click();

    // A batch on the platform carrier with "generate waybill numbers".
    await merchant.getByRole('checkbox', { name: `订单号 ${short(orders.batch1)}` }).check();
    await merchant.getByRole('checkbox', { name: `订单号 ${short(orders.batch2)}` }).check();
    await merchant.getByRole('button', { name: '批量出库' }).click();
    const batch = merchant.getByRole('dialog');
    await choose(merchant, '承运商', /JD_LOGISTICS/);
    await batch.getByRole('checkbox', { name: '生成运单号' }).waitFor();
    expect(await batch.getByRole('checkbox', { name: '生成运单号' }).isChecked()).toBe(true);
    await checkPage(merchant, 'ship-batch');
    await batch.getByRole('button', { name: '批量出库' }).click();
    await batch.getByTestId('shipment-results').waitFor();
    await waitUntil(async () => (await batch.getByText('已出库').count()) === 2 || undefined, 'both batch orders shipped');
    const generated = (await batch.getByTestId('waybill-no').allTextContents()).filter(Boolean);
    expect(generated).toHaveLength(2);
    await batch.getByRole('button', { name: 'OK' }).click();

    // A merged package: one waybill, two boxes, a declared value in yuan.
    await merchant.getByRole('checkbox', { name: `订单号 ${short(orders.merged1)}` }).check();
    await merchant.getByRole('checkbox', { name: `订单号 ${short(orders.merged2)}` }).check();
    await merchant.getByRole('button', { name: '合并出库' }).click();
    const merged = merchant.getByRole('dialog');
    await choose(merchant, '承运商', /JD_LOGISTICS/);
    await merged.getByLabel('包裹数').fill('2');
    await merged.getByLabel('保价金额（元）').fill('398');
    await checkPage(merchant, 'ship-merged');
    await merged.getByRole('button', { name: '合并出库' }).click();
    await merged.getByTestId('shipment-results').waitFor();
    await waitUntil(async () => (await merged.getByText('已出库').count()) === 2 || undefined, 'both merged orders shipped');
    const [first, second] = await merged.getByTestId('waybill-no').allTextContents();
    expect(first).toBeTruthy();
    expect(second).toBe(first);
    await merged.getByRole('button', { name: 'OK' }).click();

    for (const key of ['single', 'batch1', 'batch2', 'merged1', 'merged2'] as const) await waitForStatus(buyerApi, orders[key], 'SHIPPED', 60_000);
    // The orders turn SHIPPED when the order service applies ShipmentDispatched, which can come
    // after the dialog's refresh of the list: read the counts again once all five have.
    await merchant.reload();
    await waitForText(merchant.getByTestId('tab-SHIPPED'), /5/);
  });

  it('changes an address within the rules, shows a field error, and shows the refusal outside the rules', async () => {
    await merchant.goto(`/orders/${orders.address}`);
    await merchant.getByRole('heading', { name: `订单详情 ${short(orders.address)}` }).waitFor();
    const form = merchant.locator('form').filter({ has: merchant.getByLabel('详细地址') });
    // Masked levels start blank: the merchant types what it sends.
    expect(await form.getByLabel('区县').inputValue()).toBe('');
    await form.getByLabel('区县').fill('南山区');
    await form.getByLabel('详细地址').fill('科技园 2 号');
    await form.getByRole('button', { name: '修改收货信息' }).click();
    await merchant.getByRole('status').first().waitFor();
    // The detail masks the address line too: reveal it (logged) to see the change.
    await merchant.getByRole('button', { name: '查看 收货人' }).click();
    await waitForText(merchant.getByTestId('detail-consignee'), /南山区 科技园 2 号/);
    await checkPage(merchant, 'order-detail-address-changed');

    // A problem+json with errors[]: the message and the field it concerns.
    await form.getByLabel('电话').fill('not-a-phone');
    await form.getByRole('button', { name: '修改收货信息' }).click();
    await waitForText(merchant.getByTestId('problem-field').first(), /phone/);

    // Shipped with a third-party carrier: nothing of the consignee may change (domain.md §1.6).
    await merchant.goto(`/orders/${orders.single}`);
    await merchant.getByRole('heading', { name: `订单详情 ${short(orders.single)}` }).waitFor();
    await waitForText(merchant.getByTestId('detail-status'), /已出库/);
    await merchant.getByLabel('区县').fill('南山区');
    await merchant.getByLabel('详细地址').fill('科技园 3 号');
    await merchant.getByRole('button', { name: '修改收货信息' }).click();
    const refusal = await waitForText(merchant.getByRole('alert').first(), /CONSIGNEE_LOCKED_AFTER_OUTBOUND/);
    expect(refusal).toMatch(/third-party carrier/);
    await checkPage(merchant, 'order-detail-address-refused');
  });

  it('pauses an order with a reason, shows it in the paused tab, and releases it with the batch number the merchant owns', async () => {
    await merchant.goto(`/orders/${orders.address}`);
    await merchant.getByRole('heading', { name: `订单详情 ${short(orders.address)}` }).waitFor();
    await choose(merchant, '暂停原因', '待上传批号');
    await merchant.getByRole('button', { name: /^暂\s*停$/ }).click();
    await waitForText(merchant.getByTestId('detail-status'), /暂停/);
    await waitForText(merchant.getByTestId('pause-reason'), /待上传批号/);

    await merchant.goto('/orders');
    await merchant.getByTestId('tab-PAUSED').click();
    await waitUntil(async () => (await merchant.getByTestId('order-link').count()) === 1 || undefined, 'the PAUSED tab to list the paused order');
    expect(await merchant.getByTestId('order-status').textContent()).toMatch(/暂停 · 待上传批号/);
    await checkPage(merchant, 'merchant-orders-paused');

    // AWAITING_BATCH_NUMBER is released by the merchant with the batch number (docs/who-may-do-what.md).
    await merchant.goto(`/orders/${orders.address}`);
    await merchant.getByLabel('批号').fill('LOT-20261201-A');
    await merchant.getByRole('button', { name: '上传批号并释放' }).click();
    await waitForText(merchant.getByTestId('detail-status'), /等待出库/);
    await waitForText(merchant.getByTestId('release-data').first(), /LOT-20261201-A/);
    await checkPage(merchant, 'order-detail-pause-released');
  });

  it('changes the freight of an unpaid order from the unpaid tab, and shows the refusal above the cap', async () => {
    await merchant.goto('/orders');
    await merchant.getByTestId('tab-UNPAID').click();
    await waitUntil(async () => (await merchant.getByTestId('order-link').count()) === 1 || undefined, 'the UNPAID tab to list the online order');
    await merchant.getByTestId('order-link').click();
    await merchant.getByRole('heading', { name: `订单详情 ${short(orders.unpaid)}` }).waitFor();
    const fees = merchant.locator('form').filter({ has: merchant.getByLabel('运费（元）') });
    await fees.getByLabel('运费（元）').fill('12.5');
    await fees.getByRole('button', { name: '修改运费/服务费' }).click();
    await waitForText(merchant.getByTestId('detail-payable'), /¥211\.50/);
    await checkPage(merchant, 'order-detail-fees-changed');

    // docs/money-bounds-and-repayments.md: freight is capped (FEE_CHANGE_MAX_FREIGHT, 1 000 yuan).
    await fees.getByLabel('运费（元）').fill('2000');
    await fees.getByRole('button', { name: '修改运费/服务费' }).click();
    await waitForText(merchant.getByRole('alert').first(), /FREIGHT_ABOVE_CAP/);
    await waitForText(merchant.getByTestId('problem-field').first(), /freight/);
    expect(await merchant.getByTestId('detail-payable').textContent()).toMatch(/¥211\.50/);
    await checkPage(merchant, 'order-detail-fees-refused');
  });

  it('a buyer cancels an order before shipment and is pointed to returns after it', async () => {
    await signIn(buyerPage, BUYER.username, BUYER.password);
    await buyerPage.getByRole('heading', { name: '我的订单' }).waitFor();
    await checkPage(buyerPage, 'buyer-orders');
    await buyerPage.goto(`/buyer/orders/${orders.cancel}`);
    await waitForText(buyerPage.getByTestId('buyer-order-status'), /等待出库/);
    await checkPage(buyerPage, 'buyer-order-cancel');
    await buyerPage.getByRole('button', { name: '取消订单' }).click();
    await waitForText(buyerPage.getByTestId('buyer-order-status'), /已取消/);
    await waitForStatus(buyerApi, orders.cancel, 'CANCELLED');
  });

  it('a buyer returns an item, the merchant approves and confirms receipt, and the installment plan shrinks', async () => {
    await buyerPage.goto('/buyer/credit');
    const loan = buyerPage.getByTestId('loan').filter({ hasText: short(orders.single) });
    await waitForText(loan.getByTestId('loan-outstanding'), /¥199\.00/);
    expect(await loan.getByTestId('loan-refunded').textContent()).toBe('¥0.00');
    await checkPage(buyerPage, 'buyer-credit-before-refund');

    await buyerPage.goto(`/buyer/orders/${orders.single}`);
    await buyerPage.getByRole('note').waitFor();
    await buyerPage.getByLabel(/Kettle/).fill('1');
    await checkPage(buyerPage, 'buyer-apply-return');
    await buyerPage.getByRole('button', { name: '申请售后' }).click();
    await waitForText(buyerPage.getByTestId('buyer-after-sales-status'), /REQUESTED/);

    await merchant.goto('/after-sales');
    await merchant.getByRole('button', { name: `同意 ${short(orders.single)}` }).click();
    await waitForText(merchant.getByTestId('after-sales-status').first(), /APPROVED/);
    await checkPage(merchant, 'merchant-after-sales');

    await waitForText(buyerPage.getByTestId('buyer-after-sales-status'), /APPROVED/);
    await buyerPage.getByLabel('运单号').fill(nextSfWaybillNo());
    await buyerPage.getByRole('button', { name: '寄回商品' }).click();
    await waitForText(buyerPage.getByTestId('buyer-after-sales-status'), /RETURN_IN_TRANSIT/);

    await merchant.reload();
    await merchant.getByRole('button', { name: `确认收货 ${short(orders.single)}` }).click();
    const receipt = merchant.getByRole('dialog');
    await checkPage(merchant, 'merchant-confirm-receipt');
    await receipt.getByRole('button', { name: /提\s*交/ }).click();
    await waitForText(merchant.getByTestId('after-sales-status').first(), /RECEIVED|REFUND_PENDING|REFUNDED/);

    await waitForText(buyerPage.getByTestId('buyer-after-sales-status'), /REFUNDED/, 120_000);
    await buyerPage.goto('/buyer/credit');
    // The refund offsets the loan (domain.md §4): the refunded principal grows, the outstanding shrinks.
    await waitForText(loan.getByTestId('loan-refunded'), /^¥(?!0\.00$)/, 120_000);
    expect(await loan.getByTestId('loan-outstanding').textContent()).not.toBe('¥199.00');
    await checkPage(buyerPage, 'buyer-credit-after-refund');
  });

  it('creates an encrypted export, gets its password by SMS and downloads a file the password opens', async () => {
    await merchant.goto('/exports');
    await merchant.getByRole('heading', { name: '导出中心' }).waitFor();
    await choose(merchant, '收货人信息', '明文（加密文件）');
    await merchant.getByRole('button', { name: '新建导出任务' }).click();
    await merchant.getByTestId('export-status').first().or(merchant.getByRole('alert')).first().waitFor();
    await checkPage(merchant, 'export-created');
    const refused = merchant.getByRole('alert');
    if (await refused.count()) throw new Error(`the export was refused: ${await refused.first().textContent()}`);
    await waitForText(merchant.getByTestId('export-status').first(), /COMPLETED/, 120_000);
    await merchant.getByRole('button', { name: '发送解压密码短信' }).click();
    await waitForText(merchant.getByTestId('password-sent'), /139\*\*\*\*0000/);
    await checkPage(merchant, 'export-center');

    // The test clock's SMS outbox (GET /admin/sms): what the merchant's phone received.
    const messages = await waitUntil(async () => {
      const sent = await answerOf(operator.api.GET('/api/v1/admin/sms', { params: { query: { phone: MERCHANT_PHONE } } }));
      return sent.find((sms) => /password is \S+\./.test(sms.body)) ? sent : undefined;
    }, 'the password SMS');
    const password = /password is (\S+)\./.exec(messages.map((sms) => sms.body).join('\n'))?.[1] ?? '';

    const [download] = await Promise.all([merchant.waitForEvent('download'), merchant.getByRole('button', { name: /下\s*载/ }).click()]);
    const path = join(mkdtempSync(join(tmpdir(), 'console-export-')), download.suggestedFilename());
    await download.saveAs(path);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const file = readFileSync(path);
    expect(() => readZip(file, 'not-the-password')).toThrow(/wrong password/);
    expect(readZip(file, password)[0].name).toMatch(/\.csv$/);
  });

  it('a sub-account without grants sees no merchant page in the navigation and the API refusal on each page', async () => {
    await merchant.goto('/sub-accounts');
    await merchant.getByRole('heading', { name: '子账号与权限' }).waitFor();
    const form = merchant.locator('form').filter({ has: merchant.getByRole('button', { name: '新建子账号' }) });
    await form.getByLabel('用户名').fill(SUB.username);
    await form.getByLabel('密码').fill(SUB.password);
    await form.getByLabel('电话').fill('13900000001');
    await form.getByRole('button', { name: '新建子账号' }).click();
    await merchant.getByText(SUB.username, { exact: true }).waitFor();
    await checkPage(merchant, 'sub-accounts');

    const { page: sub } = await newConsolePage(browser, BASE);
    await signIn(sub, SUB.username, SUB.password);
    await sub.locator('nav[aria-busy="false"]').waitFor({ state: 'attached' }); // its permissions have answered (an empty nav is not visible)
    expect(await sub.getByRole('navigation').getByRole('link').count()).toBe(0);
    await sub.getByText('无权访问此页面').first().waitFor();
    await checkPage(sub, 'sub-account-orders-refused');
    for (const path of ['/after-sales', '/exports']) {
      await sub.goto(path);
      await waitForText(sub.getByRole('alert').first(), /无权访问此页面 \(PERMISSION_REQUIRED\)/);
    }
    await checkPage(sub, 'sub-account-exports-refused');
  });

  // Merchant tools (issue 17): negotiated cancellation, the shipped tab's tools, batch remarks.
  // Each test places its own orders and signs in on its own page, so `-t 'merchant tools'` runs them alone.
  let toolsPage: Page | undefined;
  const merchantTools = async (): Promise<Page> => {
    if (!toolsPage) {
      toolsPage = (await newConsolePage(browser, BASE)).page;
      await signIn(toolsPage, MERCHANT.username, MERCHANT.password);
    }
    return toolsPage;
  };
  const placeOrder = async (paymentMethod: 'COD' | 'ONLINE' | 'CREDIT'): Promise<string> => {
    const placed = await answerOf(
      buyerApi.api.POST('/api/v1/orders', { body: { merchantId, items: [{ skuId: 'console-kettle', quantity: 1 }], consignee: TEST_CONSIGNEE, paymentMethod, ...(paymentMethod === 'CREDIT' ? { credit: { plan: 'INSTALLMENT' as const, periods: 6 } } : {}) } }),
      201,
    );
    return placed.id;
  };
  /** The browser's local time as the date pickers take it (the browser runs on this machine's time zone). */
  const pickerTime = (at: Date): string => {
    const two = (n: number) => String(n).padStart(2, '0');
    return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  };
  /**
   * Types a time into the Ant Design date picker labelled `label` and confirms it with the panel's
   * OK button (Enter in a form's input could submit the form with the calls typed so far).
   */
  const typeTime = async (page: Page, label: string, text: string): Promise<void> => {
    const input = page.getByLabel(label, { exact: true });
    // Typed again when the picker dropped it: the previous picker's panel may still be closing when
    // this one opens, and an OK that lands on it leaves this input empty.
    for (let attempt = 1; attempt <= 3; attempt++) {
      await input.click();
      await input.fill(text);
      const panel = page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)').last();
      await panel.locator('.ant-picker-ok button').click();
      await panel.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => page.keyboard.press('Escape'));
      if ((await input.inputValue()) === text) break;
    }
    expect(await input.inputValue()).toBe(text);
  };

  /**
   * Clicks `button` until `answered` holds: an overloaded gateway answers 503 SERVICE_UNAVAILABLE
   * ("nothing was changed, try again shortly"; seen on the shared two-core machine), which the page
   * shows in `scope`, and the merchant clicks again as the answer asks.
   */
  const clickUntil = async (scope: Locator, button: Locator, answered: () => Promise<boolean>, what: string): Promise<void> => {
    await button.click();
    await waitUntil(async () => {
      if (await answered()) return true;
      const alert = scope.getByRole('alert');
      if (/SERVICE_UNAVAILABLE/.test((await alert.count()) ? ((await alert.first().textContent()) ?? '') : '')) await button.click();
      return undefined;
    }, what, 120_000, 500);
  };
  const shows = (locator: Locator, pattern: RegExp) => async () => pattern.test(((await locator.count()) ? await locator.first().textContent() : '') ?? '');

  it('merchant tools: applies for a negotiated cancellation of a COD order with its call attempts, finds it in the list, opens it and withdraws it', async () => {
    const page = await merchantTools();
    const cod = await placeOrder('COD');
    await waitForStatus(buyerApi, cod, 'WAITING_OUTBOUND', 60_000);
    await page.goto(`/orders/${cod}`);
    await page.getByRole('heading', { name: `订单详情 ${short(cod)}` }).waitFor();
    const card = page.locator('.ant-card').filter({ has: page.locator('.ant-card-head-title').getByText('协商取消', { exact: true }) });
    await choose(page, '协商取消原因', '联系不上买家');
    await card.getByLabel('说明').fill('called three times, no answer');
    // domain.md §1.4: "buyer unreachable" needs three calls; one is refused with the rule's code.
    const hour = 3_600_000;
    await card.getByRole('button', { name: '添加呼叫记录' }).click();
    await typeTime(page, '呼叫时间 1', pickerTime(new Date(Date.now() - 3 * hour)));
    await card.getByRole('button', { name: '申请协商取消' }).click();
    expect(await waitForText(card.getByRole('alert'), /CALL_ATTEMPTS_REQUIRED/)).toMatch(/at least 3/);
    await checkPage(page, 'cancellation-call-attempts-refused');
    expect((await answerOf(merchantApi.api.GET('/api/v1/merchant/cancellation-requests', { params: { query: { orderId: cod } } }))).items).toEqual([]);

    await card.getByRole('button', { name: '添加呼叫记录' }).click();
    await typeTime(page, '呼叫时间 2', pickerTime(new Date(Date.now() - 2 * hour)));
    await card.getByRole('button', { name: '添加呼叫记录' }).click();
    await typeTime(page, '呼叫时间 3', pickerTime(new Date(Date.now() - hour)));
    await checkPage(page, 'cancellation-apply');
    await card.getByRole('button', { name: '申请协商取消' }).click();
    await waitForText(card.getByTestId('cancellation-status').first(), /待买家确认/);
    const [submitted] = (await answerOf(merchantApi.api.GET('/api/v1/merchant/cancellation-requests', { params: { query: { orderId: cod } } }))).items;
    expect(submitted).toMatchObject({ orderId: cod, status: 'PENDING', reason: 'BUYER_UNREACHABLE' });
    expect(Date.parse(submitted.objectionDeadline) - Date.parse(submitted.submittedAt)).toBe(48 * hour);
    await checkPage(page, 'order-detail-cancellation-applied');
    // domain.md §1.4: the buyer is told by SMS, with the route to object. The gateway's event
    // handler records it inside its consumer transaction (embedded mode has one connection per
    // database: asking for a second one there stalled the gateway's consumer for good).
    const sms = await waitUntil(async () => {
      const sent = await answerOf(operator.api.GET('/api/v1/admin/sms', { params: { query: { phone: TEST_CONSIGNEE.phone } } }));
      return sent.find((message) => message.body.includes(`cancel your order ${short(cod)}`));
    }, 'the negotiated-cancellation SMS to the buyer', 60_000);
    expect(sms.body).toContain(`POST /api/v1/cancellation-requests/${submitted.id}/object`);

    // The list from the navigation, then the request's own page, where it is withdrawn.
    await page.getByRole('navigation').getByRole('link', { name: '协商取消' }).click();
    await page.getByRole('heading', { name: '协商取消', exact: true }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByTestId('cancellation-request-link').filter({ hasText: short(submitted.id) }) });
    await waitForText(row.getByTestId('cancellation-status'), /待买家确认/);
    expect(await row.textContent()).toContain('联系不上买家');
    await checkPage(page, 'cancellation-requests');
    await row.getByTestId('cancellation-request-link').click();
    await page.getByRole('heading', { name: `协商取消申请 ${short(submitted.id)}` }).waitFor();
    await checkPage(page, 'cancellation-request-detail');
    await page.getByRole('button', { name: `撤回 ${short(submitted.id)}` }).click();
    await waitForText(page.getByTestId('cancellation-status'), /已撤回/);
    expect(await answerOf(merchantApi.api.GET('/api/v1/merchant/cancellation-requests/{id}', { params: { path: { id: submitted.id } } }))).toMatchObject({ status: 'WITHDRAWN' });
    expect(await page.getByRole('button', { name: `撤回 ${short(submitted.id)}` }).count()).toBe(0);
    expect((await waitForStatus(buyerApi, cod, 'WAITING_OUTBOUND')).status).toBe('WAITING_OUTBOUND');

    // A credit order cannot be cancelled by negotiation (§1.4): its detail says what to do instead.
    const credit = await placeOrder('CREDIT');
    await waitForStatus(buyerApi, credit, 'WAITING_OUTBOUND', 60_000);
    await page.goto(`/orders/${credit}`);
    await page.getByText('协商取消仅适用于货到付款订单').waitFor();
  });

  it('merchant tools: adds one remark to two selected orders of the list, and the rows show it', async () => {
    const page = await merchantTools();
    const first = await placeOrder('ONLINE');
    const second = await placeOrder('ONLINE');
    await page.goto('/orders');
    await page.getByRole('heading', { name: '订单查询与跟踪' }).waitFor();
    await page.getByRole('checkbox', { name: `订单号 ${short(first)}` }).check();
    await page.getByRole('checkbox', { name: `订单号 ${short(second)}` }).check();
    await page.getByRole('button', { name: '批量备注' }).click();
    const dialog = page.getByRole('dialog');
    const remark = `VIP 客户，优先发货 ${suffix}`;
    await dialog.getByLabel('备注内容').fill(remark);
    await checkPage(page, 'batch-remark');
    await clickUntil(dialog, dialog.getByRole('button', { name: '批量备注' }), async () => (await dialog.getByTestId('remark-results').count()) > 0, 'the remark dialog to answer per order');
    await waitUntil(async () => (await dialog.getByTestId('remark-results').getByText('已添加').count()) === 2 || undefined, 'both orders ADDED');
    await dialog.getByRole('button', { name: 'OK' }).click();
    for (const id of [first, second]) {
      const row = page.getByRole('row').filter({ has: page.getByRole('checkbox', { name: `订单号 ${short(id)}` }) });
      await waitForText(row.getByTestId('order-remarks'), new RegExp(remark));
      // contain, not equal: a send the gateway answered 503 for may still have been applied.
      expect((await answerOf(merchantApi.api.GET('/api/v1/merchant/orders/{id}', { params: { path: { id } } }))).remarks.map((r) => r.text)).toContain(remark);
    }
    const listed = await answerOf(merchantApi.api.GET('/api/v1/merchant/orders', { params: { query: { orderId: first } } }));
    expect(listed.items[0].remarks).toEqual(expect.arrayContaining([expect.objectContaining({ text: remark })]));
    // The whole remark shows on hover (the tooltip mounts when first pointed at).
    const firstRow = page.getByRole('row').filter({ has: page.getByRole('checkbox', { name: `订单号 ${short(first)}` }) });
    await firstRow.getByTestId('order-remarks').hover();
    await waitForText(page.getByRole('tooltip'), new RegExp(remark));
    // "Select all on this page" selects every row of the page, and clears them again.
    const everyRow = async (checked: boolean) => {
      const boxes = await page.getByRole('checkbox', { name: /^订单号 / }).all();
      return (boxes.length > 1 && (await Promise.all(boxes.map((box) => box.isChecked()))).every((state) => state === checked)) || undefined;
    };
    await page.getByRole('checkbox', { name: '全选本页' }).check();
    await waitUntil(() => everyRow(true), 'every row of the page selected');
    expect(await page.getByRole('button', { name: '批量备注' }).isEnabled()).toBe(true);
    await page.getByRole('checkbox', { name: '全选本页' }).uncheck();
    await waitUntil(() => everyRow(false), 'no row selected');
    await checkPage(page, 'merchant-orders-remarks');
  });

  it('merchant tools: corrects a third-party waybill, intercepts a platform-carrier parcel, shows each refusal, and lists parcels without tracking', async () => {
    const page = await merchantTools();
    const sf = await placeOrder('CREDIT');
    const jd = await placeOrder('CREDIT');
    for (const id of [sf, jd]) await waitForStatus(buyerApi, id, 'WAITING_OUTBOUND', 60_000);
    const wrongWaybill = nextSfWaybillNo();
    const sfShipment = (await answerOf(merchantApi.api.POST('/api/v1/merchant/shipments', { body: { orderIds: [sf], carrier: 'SF', waybillNo: wrongWaybill } }), 201)).results[0];
    const jdShipment = (await answerOf(merchantApi.api.POST('/api/v1/merchant/shipments', { body: { orderIds: [jd], carrier: 'JD_LOGISTICS' } }), 201)).results[0];
    expect([sfShipment.status, jdShipment.status]).toEqual(['SHIPPED', 'SHIPPED']);
    for (const id of [sf, jd]) await waitForStatus(buyerApi, id, 'SHIPPED', 60_000);

    // 修改快递单号 on the third-party parcel: the new number, the old one in the history.
    await page.goto(`/orders/${sf}`);
    const sfTools = page.getByTestId('shipment-tools');
    await waitForText(sfTools.getByTestId('shipment-waybill'), new RegExp(wrongWaybill));
    const rightWaybill = nextSfWaybillNo();
    await sfTools.getByLabel('新运单号').fill(rightWaybill);
    await sfTools.getByLabel('修改原因').fill('typo at outbound');
    await clickUntil(sfTools, sfTools.getByRole('button', { name: '修改运单号' }), shows(sfTools.getByTestId('shipment-waybill'), new RegExp(rightWaybill)), 'the corrected waybill');
    await waitForText(sfTools.getByTestId('previous-waybill'), new RegExp(wrongWaybill));
    const corrected = await answerOf(merchantApi.api.GET('/api/v1/merchant/shipments/{id}', { params: { path: { id: sfShipment.shipmentId as string } } }));
    expect(corrected).toMatchObject({ waybillNo: rightWaybill, waybillCorrections: [expect.objectContaining({ previousWaybillNo: wrongWaybill, waybillNo: rightWaybill, reason: 'typo at outbound' })] });
    // Only the platform carrier intercepts: the refusal names the rule.
    await clickUntil(sfTools, sfTools.getByRole('button', { name: `拦截 ${rightWaybill}` }), shows(sfTools.getByRole('alert'), /INTERCEPTION_PLATFORM_CARRIER_ONLY/), 'the interception refusal');
    await checkPage(page, 'shipment-waybill-corrected-interception-refused');
    expect((await answerOf(merchantApi.api.GET('/api/v1/merchant/shipments/{id}', { params: { path: { id: sfShipment.shipmentId as string } } }))).interception).toBeNull();

    // 拦截 on the platform carrier's parcel; its generated number cannot be "corrected".
    await page.goto(`/orders/${jd}`);
    const jdTools = page.getByTestId('shipment-tools');
    await waitForText(jdTools.getByTestId('shipment-waybill'), /\S/);
    const jdWaybill = (await jdTools.getByTestId('shipment-waybill').textContent()) ?? '';
    await clickUntil(jdTools, jdTools.getByRole('button', { name: `拦截 ${jdWaybill}` }), shows(jdTools.getByTestId('interception-status'), /已申请拦截|已拦截/), 'the interception request');
    const intercepted = await answerOf(merchantApi.api.GET('/api/v1/merchant/shipments/{id}', { params: { path: { id: jdShipment.shipmentId as string } } }));
    expect(intercepted.interception?.status).toMatch(/REQUESTED|INTERCEPTED/);
    await jdTools.getByLabel('新运单号').fill('JD0000000001');
    await clickUntil(jdTools, jdTools.getByRole('button', { name: '修改运单号' }), shows(jdTools.getByRole('alert'), /WAYBILL_GENERATED_BY_PLATFORM/), 'the correction refusal');
    await checkPage(page, 'shipment-intercepted-correction-refused');

    // A day later on the platform clock no carrier event has reached the SF parcel (domain.md §2.3).
    await answerOf(operator.api.POST('/api/v1/admin/clock', { body: { advanceBySeconds: 24 * 3600 + 60 } }));
    const quiet = await waitUntil(async () => {
      const list = await answerOf(merchantApi.api.GET('/api/v1/merchant/shipments/without-tracking', { params: { query: { days: 1 } } }));
      return list.items.some((item) => item.waybillNo === rightWaybill) ? list : undefined;
    }, 'the SF parcel in the no-tracking list');
    await page.getByRole('navigation').getByRole('link', { name: '发货无轨迹' }).click();
    await page.getByRole('heading', { name: '发货无轨迹' }).waitFor();
    await page.getByLabel('至少天数（不填按平台默认）').fill('1');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await waitForText(page.getByTestId('shipments-without-tracking'), new RegExp(rightWaybill));
    expect(quiet.items.find((item) => item.waybillNo === rightWaybill)?.orderIds).toEqual([sf]);
    // The page lists what the API answers for 1 day (read again now the page has shown it).
    const fresh = await answerOf(merchantApi.api.GET('/api/v1/merchant/shipments/without-tracking', { params: { query: { days: 1 } } }));
    expect((await page.getByTestId('quiet-waybill').allTextContents()).sort()).toEqual(fresh.items.map((item) => item.waybillNo).sort());
    await page.getByRole('button', { name: `物流工具 ${rightWaybill}` }).click();
    await waitForText(page.getByTestId('shipment-tools').getByTestId('shipment-waybill'), new RegExp(rightWaybill));
    await checkPage(page, 'shipments-without-tracking');
  });

  /**
   * Opens 我的订单 (on the `status` tab when given) until the page lists what the API answers at
   * that moment, and returns that answer. The buyer's orders can still change under the page: the
   * test before moved the platform clock on a day, and the order timers cancel unpaid orders (a
   * clean-clone run saw the page's CANCELLED tab one order short of the API's answer read 0.1 s
   * later), so a page showing an older answer is opened again.
   */
  const buyerListAsTheApi = (status?: 'CANCELLED') =>
    waitUntil(async () => {
      const answer = await answerOf(buyerApi.api.GET('/api/v1/orders', { params: { query: status ? { status } : { limit: '20' } } }));
      const shown = await buyerPage.getByTestId('buyer-order-link').allTextContents();
      if (shown.join() === answer.items.map((item) => short(item.id)).join()) return answer;
      await buyerPage.goto('/buyer/orders');
      await buyerPage.getByRole('heading', { name: '我的订单' }).waitFor();
      if (status) await buyerPage.getByTestId(`buyer-tab-${status}`).click();
      return undefined;
    }, `the page to list the buyer's ${status ? `${status} ` : ''}orders as the API does`, 60_000, 1_000);

  it('a buyer lists their own orders newest first, by status tab, as the API lists them', async () => {
    await buyerPage.goto('/buyer/orders');
    await buyerPage.getByRole('heading', { name: '我的订单' }).waitFor();
    const own = await buyerListAsTheApi();
    expect(own.items.map((item) => item.id)).toEqual(expect.arrayContaining(Object.values(orders)));
    expect(await buyerPage.getByTestId('buyer-order-link').allTextContents()).toEqual(own.items.map((item) => short(item.id)));
    await checkPage(buyerPage, 'buyer-orders-list');

    await buyerPage.getByTestId('buyer-tab-CANCELLED').click();
    const cancelled = await buyerListAsTheApi('CANCELLED');
    expect(cancelled.items.map((item) => item.id)).toContain(orders.cancel);
    expect(await buyerPage.getByTestId('buyer-order-row-status').allTextContents()).toEqual(cancelled.items.map(() => '已取消'));
    await buyerPage.getByTestId('buyer-order-link').filter({ hasText: short(orders.cancel) }).click();
    await waitForText(buyerPage.getByTestId('buyer-order-status'), /已取消/);
  });

  it('the merchant gets a virtual number, is asked for the daily SMS check, passes it and looks up the other contacts', async () => {
    await merchant.goto(`/orders/${orders.batch1}`);
    await merchant.getByRole('heading', { name: `订单详情 ${short(orders.batch1)}` }).waitFor();
    // The shipped order's shipment tools load after the order and push the contacts card down:
    // a click aimed before they arrive lands on whatever moved under it (a clean-clone run's
    // click focused the consignee form's 乡镇 field and no number was ever asked for).
    await merchant.getByTestId('shipment-tools').getByTestId('shipment-waybill').waitFor();
    await merchant.getByRole('button', { name: `获取虚拟号 ${short(orders.batch1)}` }).click();
    const number = await waitForText(merchant.getByTestId('virtual-number'), /^\d{11} ‑ \d{4}$/);
    // The same binding serves again: the API answers the number the page shows.
    const again = await answerOf(merchantApi.api.POST('/api/v1/merchant/orders/{id}/virtual-number', { params: { path: { id: orders.batch1 } }, body: { kind: 'ORDER' } }));
    expect(`${again.mainNumber} ‑ ${again.extension}`).toBe(number);
    expect(again.reused).toBe(true);

    await merchant.getByRole('button', { name: `查看其他联系方式 ${short(orders.batch1)}` }).click();
    await waitForText(merchant.getByRole('alert').first(), /SMS_VERIFICATION_REQUIRED/);
    await merchant.getByRole('button', { name: '发送短信验证码 其他联系方式' }).click();
    await waitForText(merchant.getByTestId('sms-sent'), /139\*\*\*\*0000/);
    // The code the merchant's phone received, from the test clock's SMS outbox (GET /admin/sms).
    const code = await waitUntil(async () => {
      const sent = await answerOf(operator.api.GET('/api/v1/admin/sms', { params: { query: { phone: MERCHANT_PHONE } } }));
      return sent.map((sms) => /verification code (\d{6}) \(other contact numbers\)/.exec(sms.body)?.[1]).filter(Boolean).at(-1);
    }, 'the verification SMS');
    await merchant.getByLabel('验证码 (其他联系方式)').fill(code as string);
    await merchant.getByRole('button', { name: /^验\s*证$/ }).click();
    await merchant.getByTestId('sms-verified').waitFor();
    await merchant.getByRole('button', { name: `查看其他联系方式 ${short(orders.batch1)}` }).click();
    await waitForText(merchant.getByTestId('other-contacts-count'), /1\/50/);
    await checkPage(merchant, 'order-detail-contacts');
    // Looking the same order up again does not count twice against the daily limit.
    expect(await answerOf(merchantApi.api.POST('/api/v1/merchant/orders/{id}/other-contacts', { params: { path: { id: orders.batch1 } } }))).toMatchObject({ lookupsToday: 1, dailyLimit: 50 });
  });

  it('the merchant creates a coupon in yuan on the catalog page and sees the refusal of a taken code', async () => {
    await merchant.goto('/catalog');
    await merchant.getByRole('heading', { name: '商品与运费' }).waitFor();
    const form = merchant.locator('form').filter({ has: merchant.getByLabel('券码') });
    await form.getByLabel('券码').fill('CONSOLE10');
    await form.getByLabel('优惠金额（元）').fill('10.5');
    await form.getByLabel('使用门槛（元）').fill('100');
    await form.getByRole('button', { name: '新建优惠券' }).click();
    await waitForText(merchant.getByTestId('coupon-code').first(), /CONSOLE10/);
    expect(await merchant.getByTestId('coupon-remaining').first().textContent()).toBe('100');
    expect(await answerOf(merchantApi.api.GET('/api/v1/merchant/coupons'))).toEqual([expect.objectContaining({ code: 'CONSOLE10', amountOff: 1_050, minimumSpend: 10_000, quantity: 100, remaining: 100 })]);
    await checkPage(merchant, 'catalog-coupons');

    await form.getByRole('button', { name: '新建优惠券' }).click();
    await waitForText(merchant.getByRole('alert').first(), /COUPON_CODE_TAKEN/);
  });

  // Moves the platform clock to a statement day: keep this test the last of the suite.
  it('a buyer opens a statement, repays it in yuan, and sees what is owed shrink; the operator sees the repayment in the ledger', async () => {
    const [loan] = await answerOf(buyerApi.api.GET('/api/v1/credit/loans', { params: { query: { orderId: orders.batch1 } } }));
    const offsetMs = Number(process.env.PLATFORM_UTC_OFFSET_MINUTES ?? 480) * 60_000;
    const statementDay = new Date(Date.parse(`${loan.periods[0].statementDate}T00:01:00Z`) - offsetMs);
    await answerOf(operator.api.POST('/api/v1/admin/clock', { body: { now: statementDay.toISOString() } }));
    const [statement] = await waitUntil(async () => {
      const issued = await answerOf(buyerApi.api.GET('/api/v1/credit/statements'));
      return issued.length ? issued : undefined;
    }, 'the statement of the statement day', 120_000);
    expect(statement.amountDue).toBeGreaterThan(0);
    const before = await answerOf(buyerApi.api.GET('/api/v1/credit/account'));

    await buyerPage.goto('/buyer/credit');
    await buyerPage.getByRole('button', { name: `账单详情 ${statement.statementDate}` }).click();
    await waitForText(buyerPage.getByTestId('statement-amount-due'), new RegExp(escapeRegExp(formatFen(statement.amountDue))));
    await checkPage(buyerPage, 'buyer-statement');
    await buyerPage.getByLabel('还款金额（元）').fill(`${Math.floor(statement.amountDue / 100)}.${String(statement.amountDue % 100).padStart(2, '0')}`);
    await buyerPage.getByRole('button', { name: /^还\s*款$/ }).click();
    await waitForText(buyerPage.getByTestId('repayment-status'), /CREDITED/);

    const after = await answerOf(buyerApi.api.GET('/api/v1/credit/account'));
    expect(after.outstanding).toBeLessThan(before.outstanding);
    expect((await answerOf(buyerApi.api.GET('/api/v1/credit/loans', { params: { query: { orderId: orders.batch1 } } })))[0].periods[0].status).toBe('PAID');
    await waitForText(buyerPage.getByTestId('credit-outstanding'), new RegExp(`^${escapeRegExp(formatFen(after.outstanding))}$`));
    await checkPage(buyerPage, 'buyer-credit-repaid');

    const { page: operatorPage } = await newConsolePage(browser, BASE);
    await signIn(operatorPage, 'operator', 'operator-password');
    await operatorPage.getByRole('heading', { name: '平台运营' }).waitFor();
    await operatorPage.getByLabel('白条账户').fill(after.id);
    await operatorPage.getByRole('button', { name: /^查\s*询$/ }).click();
    await waitUntil(async () => (await operatorPage.getByTestId('posting-kind').allTextContents()).includes('REPAYMENT') || undefined, 'the REPAYMENT posting in the ledger');
    await checkPage(operatorPage, 'platform-ledger');
  });
});

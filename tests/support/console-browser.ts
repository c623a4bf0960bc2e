import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium (tools/test/system-packages.mjs installs it), driven by playwright-core: no
 * browser download, the same binary CI has. Root in a container has no user namespace sandbox.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join('tmp', 'test-artifacts', 'console');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** A fresh browser context (its own session storage) in Chinese, the console's default language. */
export async function newConsolePage(browser: Browser, baseUrl: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: 'zh-CN', viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  // Generous: the machine is shared and every answer crosses the embedded platform.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`console page error: ${error.message}\n`));
  return { context, page };
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('signed-in-as').filter({ hasText: username }).waitFor();
}

/** Waits (never a fixed sleep) until the locator's text matches. */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await locator.textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => '')) ?? '').trim();
    if (pattern.test(last)) return last;
    await locator.page().waitForTimeout(200);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  await locator.page().screenshot({ path: join(SCREENSHOTS, `failed-wait-${Date.now()}.png`), fullPage: true }).catch(() => undefined);
  throw new Error(`waited ${timeoutMs} ms for ${pattern} in ${locator}; last text: ${JSON.stringify(last)}`);
}

let shot = 0;

/** Starts the run's screenshots afresh: what is in the folder afterwards is this run's pages. */
export function clearScreenshots(): void {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  shot = 0;
}

/** A full-page screenshot kept as a test artifact, numbered in the order the test takes them. */
export async function screenshot(page: Page, name: string, extraPath?: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  if (extraPath) await page.screenshot({ path: extraPath });
}

const CONTROL_ROLES = new Set(['button', 'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio', 'switch', 'spinbutton', 'slider', 'tab', 'link', 'menuitem']);

/**
 * Every control on the page as Chromium's accessibility tree names it (the name a screen reader
 * reads): the ones with an empty name, with their HTML to find them. Lighthouse's "every control
 * has a label" on the real tree rather than a guess from attributes.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string }; backendDOMNodeId?: number }> };
    const unnamed = nodes.filter((node) => !node.ignored && CONTROL_ROLES.has(node.role?.value ?? '') && !String(node.name?.value ?? '').trim());
    const described: string[] = [];
    for (const node of unnamed) {
      const html = node.backendDOMNodeId ? ((await cdp.send('DOM.getOuterHTML', { backendNodeId: node.backendDOMNodeId }).catch(() => ({ outerHTML: '?' }))) as { outerHTML: string }).outerHTML : '?';
      described.push(`${node.role?.value}: ${html.slice(0, 200)}`);
    }
    return described;
  } finally {
    await cdp.detach();
  }
}

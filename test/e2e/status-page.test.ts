import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileConnection } from '../../lambdas/use-cases/reconcile-drift';
import { DEMO_SELLER, type LocalStack } from '../../local/runtime/local-stack';
import { startFastStack } from '../support/fast-stack';
import { apiClient } from '../support/local-stack-client';

// Debian's chromium, installed by .ci/run; a machine without it cannot run this test at all.
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`status page test skipped: ${CHROMIUM} is missing (.ci/run installs it)`);
export const SCREENSHOT = 'test-artifacts/status-page.png';

let stack: LocalStack;
let browser: Browser;
let pushId: string;

describe.skipIf(!hasChromium)('status page in headless Chromium', () => {
  beforeAll(async () => {
    stack = await startFastStack();
    const api = apiClient(stack);
    // A product locked at Trendyol: its item fails in the batch result.
    stack.simulator.setProduct(DEMO_SELLER.sellerId, { barcode: 'PAGE-BAD', locked: true });
    const pushed = await api.push(stack.demoConnectionId, [
      { barcode: 'PAGE-1', quantity: 4, salePrice: 99.9, listPrice: 120 },
      { barcode: 'PAGE-BAD', quantity: 1 },
    ]);
    pushId = String(pushed.body.pushId);
    for (let i = 0; i < 200; i++) {
      if ((await api.get<{ done: boolean }>(`/v1/pushes/${pushId}`)).body.done) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('asks for the key, then shows connections, the push with progress, failed items and a timeline', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    const response = await page.goto(`${stack.apiUrl}/`);
    expect(response?.status()).toBe(200);
    expect(await page.isVisible('#login')).toBe(true);
    expect(await page.isVisible('#app')).toBe(false);

    await page.fill('#key', stack.apiKey);
    await page.click('#login-form button');
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.evaluate("sessionStorage.getItem('eci-api-key')")).toBe(stack.apiKey);
    expect(page.url()).not.toContain(stack.apiKey);

    expect(await page.textContent('#connections')).toContain(stack.demoConnectionId);
    // Freshness of the demo connection: one confirmed item in the last hour.
    expect(await page.textContent('#connections')).toMatch(/p50 \d+\.\d s \/ p95 \d+\.\d s \(1 items, 1 h\)/);
    const pushRow = page.locator('#pushes tr', { hasText: pushId });
    await expect.poll(() => pushRow.count()).toBe(1);
    expect(await pushRow.locator('progress').getAttribute('max')).toBe('2');
    await expect.poll(() => page.textContent('#failed')).toContain('Ürün kilitli');
    expect(await page.textContent('#failed')).toContain('PAGE-BAD');
    expect(await page.textContent('#push-title')).toContain('partial 1');

    await expect.poll(() => page.textContent('#failed-barcodes')).toContain('PAGE-BAD');
    expect(await page.textContent('#failed-barcodes')).toContain('qty 1');

    await page.fill('#barcode', 'PAGE-1');
    await page.click('#timeline-form button');
    await expect.poll(() => page.locator('#timeline tr').count()).toBe(3);
    const events = await page.locator('#timeline tr td:nth-child(2)').allTextContents();
    expect(events).toEqual(['pushed', 'sent', 'confirmed']);
    expect(await page.textContent('#timeline')).toContain('qty 4, sale 99.9, list 120');

    // Held and drifted items: a 99 % price drop is held by the price guard; a price changed behind
    // ECI's back at Trendyol is found by the reconciliation read-back.
    const api = apiClient(stack);
    const held = await api.push(stack.demoConnectionId, [
      { barcode: 'PAGE-1', salePrice: 0.99, listPrice: 120 },
    ]);
    expect(held.body.heldCount).toBe(1);
    stack.simulator.setProduct(DEMO_SELLER.sellerId, { barcode: 'PAGE-1', salePrice: 50 });
    const connection = await stack.container.connections.get(stack.demoConnectionId);
    if (!connection) throw new Error('the demo connection is gone');
    expect((await reconcileConnection(stack.functions.CatalogSync, connection)).priceDriftCount).toBe(1);
    await page.click('#refresh');
    await expect.poll(() => page.textContent('#held')).toContain('PRICE_JUMP');
    expect(await page.textContent('#held')).toContain('PAGE-1');
    await expect.poll(() => page.textContent('#drifted')).toContain('PAGE-1');
    expect(await page.textContent('#drifted')).toContain('sale 50');

    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
  });

  it('a wrong key brings the form back with a message and shows no data', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/`);
    await page.fill('#key', 'wrong-key');
    await page.click('#login-form button');
    await expect.poll(() => page.textContent('#login-msg')).toContain('refused');
    expect(await page.isVisible('#app')).toBe(false);
    expect(await page.evaluate("sessionStorage.getItem('eci-api-key')")).toBeNull();
  });

  it('serves the page with a CSP that admits only its own inline script', async () => {
    const res = await fetch(`${stack.apiUrl}/`);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

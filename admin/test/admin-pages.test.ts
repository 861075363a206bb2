import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { startTestStack } from '@empire/cli/test-stack';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer } from '../src/index.ts';
import { launchChromium, logIn, newAdminPage, SCREENSHOT_DIR, submitLoginForm } from './browser-session.ts';

const ADMIN_TEST_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Query { adminTestField: String }
`;

type TestStack = Awaited<ReturnType<typeof startTestStack>>;

describe('admin pages in chromium', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
    page = await newAdminPage(browser);
    await logIn(page, stack.adminUrl, stack.adminCredentials);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows a newly published version live, its changes, and rolls back from its predecessor', async () => {
    await page.goto(`${stack.adminUrl}/schema`);
    // Publishing before the subscription is up would produce an event this page never sees; "live"
    // also shows the gateway accepted the access token the page sent as connectionParams.
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    const activeBefore = Number(await page.getByTestId('active-version').textContent());
    expect(activeBefore).toBeGreaterThan(0);
    await page.evaluate(() => {
      (globalThis as { __marker?: number }).__marker = 1;
    });

    await stack.publish({ name: 'admin-test', url: 'http://127.0.0.1:4999/graphql', sdl: ADMIN_TEST_SDL });

    const newRow = page.locator('[data-testid="history-row"]', { hasText: 'admin-test' });
    await newRow.waitFor();
    const newVersion = Number(await newRow.getAttribute('data-version'));
    expect(newVersion).toBeGreaterThan(activeBefore);
    await page.locator(`[data-testid="active-version"]:text-is("${newVersion}")`).waitFor();
    expect(await page.evaluate(() => (globalThis as { __marker?: number }).__marker)).toBe(1);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'schema.png'), fullPage: true });

    await page.goto(`${stack.adminUrl}/schema/${newVersion}`);
    await page.locator('[data-testid="change"][data-path="Query.adminTestField"]').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'schema-version.png'), fullPage: true });

    await page.goto(`${stack.adminUrl}/schema/${activeBefore}`);
    await page.getByRole('button', { name: 'Roll back to this version' }).click();
    await page.getByRole('button', { name: `Yes, roll back to v${activeBefore}` }).click();
    const result = page.getByTestId('rollback-result');
    await result.waitFor();
    expect(await result.getAttribute('class')).toBe('result-box');
    const rolledBackVersion = Number((await result.getByRole('link').textContent())?.replace('v', ''));
    expect(rolledBackVersion).toBeGreaterThan(newVersion);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'rollback.png'), fullPage: true });

    await page.goto(`${stack.adminUrl}/schema/${rolledBackVersion}`);
    await page.locator('[data-testid="change-group"][data-criticality="BREAKING"] [data-testid="change"][data-path="Query.adminTestField"]').waitFor();
  });

  it('shows database health with the events table', async () => {
    await page.goto(`${stack.adminUrl}/admin/db-health`);
    expect(await page.getByTestId('db-health-ok').getAttribute('data-ok')).toBe('true');
    await page.locator('[data-testid="db-table-row"][data-table="events"]').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'db-health.png'), fullPage: true });
  });

  it('names the gateway and the failure, with status 502, when the gateway is unreachable', async () => {
    const deadGatewayUrl = `http://127.0.0.1:${await closedPort()}/graphql`;
    const admin = await startAdminServer({ host: '127.0.0.1', port: 0, gatewayUrl: deadGatewayUrl, sessionSecret: randomBytes(32).toString('hex') });
    const loginPage = await newAdminPage(browser);
    try {
      await loginPage.goto(`${admin.url}/schema`);
      await loginPage.waitForURL(`${admin.url}/login?next=%2Fschema`);
      const response = await submitLoginForm(loginPage, stack.adminCredentials);
      expect(response.status()).toBe(502);
      expect(await loginPage.getByTestId('login-error').textContent()).toContain(`Gateway at ${deadGatewayUrl} unreachable: ECONNREFUSED`);
    } finally {
      await loginPage.context().close();
      await admin.close();
    }
  });
});

/** A loopback port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Expected a TCP address');
  return address.port;
}

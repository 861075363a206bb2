import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startTestStack } from '@empire/cli/test-stack';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newAdminPage, SCREENSHOT_DIR, submitLoginForm } from './browser-session.ts';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/** The tests below build on each other, in order: sign in, rotate, create, revoke, audit. */
describe('login, vault and audit pages in chromium', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let retiredKid: string;
  let activeKid: string;
  let apiKeyId: string;
  const apiKeyName = `vault-test-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
    page = await newAdminPage(browser);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('sends a visitor without a session to /login, remembering the page', async () => {
    await page.goto(`${stack.adminUrl}/schema`);
    await page.waitForURL(`${stack.adminUrl}/login?next=%2Fschema`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('signed-in-user').count()).toBe(0);
  });

  it('shows the gateway’s message for a wrong password and stays on /login', async () => {
    const response = await submitLoginForm(page, { email: stack.adminCredentials.email, password: `${stack.adminCredentials.password}-wrong` });
    expect(response.status()).toBe(401);
    expect(await page.getByTestId('login-error').textContent()).toContain('Invalid email or password');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'login-failed.png'), fullPage: true });
  });

  it('signs the admin in and goes on to the page asked for, naming them in the nav', async () => {
    await submitLoginForm(page, stack.adminCredentials);
    await page.waitForURL(`${stack.adminUrl}/schema`);
    const user = page.getByTestId('signed-in-user');
    expect(await user.textContent()).toContain(stack.adminCredentials.email);
    expect(await user.getAttribute('data-role')).toBe('admin');
    await page.getByTestId('active-version').waitFor();
  });

  it('lists the active signing key on the Vault page', async () => {
    await page.getByRole('link', { name: 'Vault' }).click();
    await page.waitForURL(`${stack.adminUrl}/vault`);
    const active = page.locator('[data-testid="signing-key-row"][data-state="ACTIVE"]');
    await active.first().waitFor();
    expect(await active.count()).toBe(1);
    retiredKid = (await active.getAttribute('data-kid')) ?? '';
    expect(retiredKid).not.toBe('');
  });

  it('rotates the signing key after confirmation: a new key is ACTIVE, the old one RETIRING', async () => {
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await page.getByRole('button', { name: 'Yes, rotate' }).click();
    await page.locator(`[data-testid="signing-key-row"][data-kid="${retiredKid}"][data-state="RETIRING"]`).waitFor();
    const active = page.locator('[data-testid="signing-key-row"][data-state="ACTIVE"]');
    expect(await active.count()).toBe(1);
    activeKid = (await active.getAttribute('data-kid')) ?? '';
    expect(activeKid).not.toBe(retiredKid);
  });

  it('creates an API key and shows it exactly once', async () => {
    const form = page.getByRole('form', { name: 'Create API key' });
    await form.getByLabel('Name').fill(apiKeyName);
    await form.getByLabel('Role').selectOption('operator');
    await form.getByLabel('Expires in days').fill('30');
    await form.getByRole('button', { name: 'Create API key' }).click();

    const box = page.getByTestId('created-api-key-box');
    await box.waitFor();
    const key = (await page.getByTestId('created-api-key').textContent())?.trim() ?? '';
    expect(key.length).toBeGreaterThan(16);
    apiKeyId = (await box.getAttribute('data-id')) ?? '';
    const row = page.locator(`[data-testid="api-key-row"][data-id="${apiKeyId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(apiKeyName);
    expect(await row.textContent()).toContain('operator');
    const prefix = (await row.locator('code').textContent())?.replace('…', '') ?? '';
    expect(key.startsWith(prefix)).toBe(true);
    // The table shows the prefix only; the full key is in the box and nowhere else on the page.
    expect((await page.locator('main').textContent())?.split(key).length).toBe(2);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vault-api-key-created.png'), fullPage: true });

    await page.reload();
    await row.waitFor();
    expect(await page.getByTestId('created-api-key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
  });

  it('revokes the API key after confirmation', async () => {
    const row = page.locator(`[data-testid="api-key-row"][data-id="${apiKeyId}"]`);
    expect(await row.getAttribute('data-revoked')).toBe('false');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.locator(`[data-testid="api-key-row"][data-id="${apiKeyId}"][data-revoked="true"]`).waitFor();
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'vault.png'), fullPage: true });
  });

  it('shows these actions in the audit log, under a green verification banner', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL(`${stack.adminUrl}/audit`);
    const verification = page.getByTestId('audit-verification');
    expect(await verification.getAttribute('data-ok')).toBe('true');
    expect(await verification.textContent()).toMatch(/Chain intact — \d+ entr(y|ies) verified/);

    const entries = await page
      .getByTestId('audit-row')
      .evaluateAll((rows) =>
        rows.map((row) => ({ action: row.getAttribute('data-action') ?? '', target: row.getAttribute('data-target') ?? '', text: row.textContent ?? '' })),
      );
    const names = (target: string, id: string) => target === id || target.endsWith(`:${id}`) || target.endsWith(`/${id}`);
    // A rotation's entry names the new key, the old one, or both (as target or in before/after).
    expect(entries.some((entry) => [activeKid, retiredKid].some((kid) => names(entry.target, kid) || entry.text.includes(kid)))).toBe(true);
    const apiKeyActions = new Set(entries.filter((entry) => names(entry.target, apiKeyId) || entry.text.includes(apiKeyName)).map((entry) => entry.action));
    expect(apiKeyActions.size).toBeGreaterThanOrEqual(2);
    expect(entries.filter((entry) => entry.text.includes(stack.adminCredentials.email)).length).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'audit.png'), fullPage: true });
  });

  it('logs out from the nav, after which pages send to /login again', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${stack.adminUrl}/login`);
    await page.goto(`${stack.adminUrl}/vault`);
    await page.waitForURL(`${stack.adminUrl}/login?next=%2Fvault`);
  });
});

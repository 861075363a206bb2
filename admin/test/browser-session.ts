import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page, type Response } from 'playwright-core';

/** Where the browser tests leave the screenshots they take (looked at by people, compared by nothing). */
export const SCREENSHOT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '__screenshots__');

/** Debian's chromium, headless; playwright-core downloads no browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh page (its own cookie jar) with the viewport and timeout every admin test uses. */
export async function newAdminPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Fills in and submits the real /login form; answers the response to the POST once the page it led to has loaded. */
export async function submitLoginForm(page: Page, credentials: { email: string; password: string }): Promise<Response> {
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  await page.waitForLoadState();
  return response;
}

/** Signs in through /login and waits until the admin has sent the browser on to `next`. */
export async function logIn(page: Page, adminUrl: string, credentials: { email: string; password: string }, next = '/schema'): Promise<void> {
  await page.goto(`${adminUrl}/login?next=${encodeURIComponent(next)}`);
  await submitLoginForm(page, credentials);
  await page.waitForURL(`${adminUrl}${next}`);
}

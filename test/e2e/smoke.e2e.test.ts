import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, e2eAvailable, launchBrowser, phoneContext, screenshot, signIn, startStack, type Stack } from './harness.js';

describe.skipIf(!e2eAvailable())("the web app in a real browser", { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs the demo customer in and refuses a wrong password with the API message', async () => {
    const context = await phoneContext(browser, stack.baseUrl);
    const page = await context.newPage();
    await page.goto('/ingresar');
    await page.getByLabel('Email').fill(DEMO.customer);
    await page.getByLabel('Contraseña').fill('not-the-password');
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/incorrect|inválid/i);
    await screenshot(page, 'smoke-login-refused');
    await signIn(page, DEMO.customer);
    await expect.poll(() => page.getByRole('button', { name: 'Salir' }).isVisible()).toBe(true);
    await context.close();
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, freePort, json, TEST_PASSWORD, type TestContext } from '../../../test/helpers.js';
import { LEGAL_NOTICE_25326 } from './legal-texts.js';

/**
 * The privacy pages in a real browser (Debian's chromium driven by playwright-core), against
 * the API process serving a fresh build of the web app.
 */
/** The page's localStorage, named for the Node-side type checker (these callbacks run in the browser). */
declare const localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let ctx: TestContext;
let browser: Browser;
let base: string;
let dist: string;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'bp-privacy-web-'));
  await build({ configFile: join(process.cwd(), 'web/vite.config.ts'), logLevel: 'silent', build: { outDir: dist, emptyOutDir: true, sourcemap: false } });
  ctx = await createTestContext({ env: { DATA_DIR: dist }, deps: { webDist: `${dist}/` } });
  const port = await freePort();
  await ctx.app.listen({ port, host: '127.0.0.1' });
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ctx?.close();
  await rm(dist, { recursive: true, force: true });
});

describe('privacy pages', () => {
  it('the footer notice is the legal text the API publishes, word for word', async () => {
    const footer = await readFile(join(process.cwd(), 'web/src/privacy/footer.ts'), 'utf8');
    expect(footer).toContain(LEGAL_NOTICE_25326);
    expect(existsSync(join(dist, 'index.html'))).toBe(true);
  });

  it('first access shows both consumer buttons; the withdrawal page gives a procedure code without login and records it', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/`);
      const banner = page.getByRole('complementary', { name: 'Aviso de privacidad y derechos del consumidor' });
      await banner.waitFor();
      expect(await banner.getByRole('link', { name: 'Botón de arrepentimiento' }).isVisible()).toBe(true);
      expect(await banner.getByRole('link', { name: 'Botón de baja' }).isVisible()).toBe(true);
      expect(await page.locator('footer').innerText()).toContain('AGENCIA DE ACCESO A LA INFORMACIÓN PÚBLICA');
      await banner.getByRole('link', { name: 'Botón de arrepentimiento' }).click();
      await page.getByRole('heading', { name: 'Botón de arrepentimiento' }).waitFor();
      await page.getByRole('textbox', { name: /^Email/ }).fill('arrepentida@example.com');
      await page.getByRole('button', { name: 'Revocar la compra' }).click();
      const code = (await page.locator('.receipt-code').innerText()).trim();
      expect(code).toMatch(/^ARR-\d{4}-[0-9A-Z]{8}$/);
      const row = await ctx.database.db.selectFrom('privacy_requests').select(['kind', 'contact_email']).where('procedure_code', '=', code).executeTakeFirst();
      expect(row?.kind).toBe('withdrawal');
      expect(row?.contact_email).toMatch(/^v2\./); // sealed at rest; the admin queue shows it

      // Dismissed once, it stays in the footer only.
      await page.goto(`${base}/baja`);
      await page.getByRole('button', { name: 'Entendido' }).click();
      await page.reload();
      await page.getByRole('heading', { name: 'Botón de baja' }).waitFor();
      expect(await page.getByRole('complementary', { name: 'Aviso de privacidad y derechos del consumidor' }).count()).toBe(0);
      expect(await page.locator('footer').getByRole('link', { name: 'Botón de baja' }).isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('/privacidad shows the privacy notice and the terms in force', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/privacidad`);
      await page.getByRole('heading', { name: 'Política de privacidad de BarberPro' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Términos y condiciones de uso de BarberPro' }).isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('/mis-datos: a signed-in customer sees their data, corrects their name and deletes the account', async () => {
    const signUp = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'navegador@example.com', password: TEST_PASSWORD, fullName: 'Nora Navegadora', acceptTerms: true },
    });
    expect(signUp.statusCode, signUp.body).toBe(201);
    const { refreshToken, user } = json(signUp);
    const page = await browser.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await page.addInitScript((token) => localStorage.setItem('barberpro.refreshToken', token), refreshToken as string);
      await page.goto(`${base}/mis-datos`);
      await page.getByRole('heading', { name: 'Mis datos personales' }).waitFor();
      await page.getByRole('button', { name: 'Ver mis datos' }).click();
      await page.getByRole('cell', { name: 'navegador@example.com' }).waitFor();
      expect(await page.getByRole('cell', { name: 'Nora Navegadora' }).isVisible()).toBe(true);

      await page.getByLabel('Nombre y apellido').fill('Nora Corregida');
      await page.getByRole('button', { name: 'Corregir' }).click();
      await page.getByText(/listo, ya corregimos tus datos/).waitFor();
      expect((await ctx.database.db.selectFrom('users').select('full_name').where('id', '=', user.id).executeTakeFirstOrThrow()).full_name).toBe('Nora Corregida');

      await page.getByLabel('Tu contraseña', { exact: true }).fill(TEST_PASSWORD);
      await page.getByLabel('Entiendo que no se puede deshacer.').check();
      await page.getByRole('button', { name: 'Eliminar mi cuenta' }).click();
      await page.waitForURL(`${base}/`);
      const row = await ctx.database.db.selectFrom('users').select(['full_name', 'deleted_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(row.full_name).toBe('Usuario eliminado');
      expect(row.deleted_at).not.toBeNull();
      expect(await page.evaluate(() => localStorage.getItem('barberpro.refreshToken'))).toBeNull();
    } finally {
      await page.close();
    }
  });

  it('/admin/privacidad: an operator sees the queue with deadlines and answers a request', async () => {
    const admin = await ctx.createUser('admin');
    const login = json(await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: admin.email, password: TEST_PASSWORD } }));
    const receipt = json(await ctx.app.inject({ method: 'POST', url: '/api/v1/public/cancellation', payload: { email: 'cola@example.com', reason: 'Quiero la baja del servicio' } }));
    const page = await browser.newPage();
    try {
      await page.addInitScript((token) => localStorage.setItem('barberpro.refreshToken', token), login.refreshToken as string);
      await page.goto(`${base}/admin/privacidad`);
      const card = page.locator('article', { hasText: receipt.procedureCode });
      await card.waitFor();
      // This account never accepted the texts in force (GET /me lists them): it is asked to.
      expect(await page.getByRole('complementary', { name: 'Actualización de términos' }).isVisible()).toBe(true);
      expect(await card.innerText()).toContain('Quiero la baja del servicio');
      // A consumer button's 24 hours are "due soon" from the start.
      expect(await card.getByText('Vence en < 24 h').isVisible()).toBe(true);
      await card.getByLabel('Respuesta al titular').fill('Dimos de baja el servicio.');
      await card.getByRole('button', { name: 'Responder' }).click();
      await waitForStatus(receipt.procedureCode, 'completed');
    } finally {
      await page.close();
    }
  });
});

async function waitForStatus(code: string, status: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const row = await ctx.database.db.selectFrom('privacy_requests').select('status').where('procedure_code', '=', code).executeTakeFirst();
    if (row?.status === status) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${code} never became ${status}`);
}

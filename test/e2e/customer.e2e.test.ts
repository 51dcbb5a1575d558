/**
 * The customer side in a phone-sized window: find a shop in Córdoba, book a haircut in four
 * steps, pay the deposit in the (local) MercadoPago checkout and see it confirmed; lose a race
 * for a slot and book an offered alternative; then calendar, review and invoice from "Mis turnos".
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, desktopContext, e2eAvailable, launchBrowser, phoneContext, screenshot, signIn, startStack, type Stack } from './harness.js';

const SHOP = 'Barbería La Cañada';
const SHOP_OWNER = 'owner3@demo.barberpro.ar'; // src/demo/seed.ts: the third shop's owner
const HAIRCUT = 'Corte de pelo';
/** $ 3.000,00: the seed's haircut takes no deposit, so the owner asks for one (their area, arranged through the API). */
const DEPOSIT_CENTS = 300_000;

describe.skipIf(!e2eAvailable())('customer web app on a phone', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let ownerToken: string;
  let shopId: string;
  const newcomer = { name: 'Valentina Ríos', email: `valentina.${Date.now()}@example.com`, password: 'corte-en-cordoba' };
  let newcomerContext: BrowserContext;
  let newcomerPage: Page;
  let bookingId: string;

  async function apiCall<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    ownerToken = (await apiCall<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, { email: SHOP_OWNER, password: DEMO.password })).accessToken;
    const found = await apiCall<{ items: Array<{ id: string; name: string }> }>('GET', `/api/v1/shops?city=${encodeURIComponent('Córdoba')}`);
    shopId = found.items.find((s) => s.name === SHOP)!.id;
    const shop = await apiCall<{ services: Array<{ id: string; name: string }> }>('GET', `/api/v1/shops/${shopId}`);
    const haircut = shop.services.find((s) => s.name === HAIRCUT)!;
    await apiCall('PATCH', `/api/v1/shops/${shopId}/services/${haircut.id}`, ownerToken, { deposit: { kind: 'fixed', value: DEPOSIT_CENTS } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('a newcomer finds a shop in Córdoba, books a haircut in 4 steps, pays the deposit in the MercadoPago checkout and sees it confirmed, in under a minute', async () => {
    newcomerContext = await phoneContext(browser, stack.baseUrl);
    const page = (newcomerPage = await newcomerContext.newPage());
    const started = Date.now();

    await page.goto('/');
    await page.getByLabel('Ciudad').selectOption('Córdoba');
    await screenshot(page, 'customer-01-home');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByRole('heading', { name: 'Barberías en Córdoba' }).waitFor();
    await page.getByRole('link', { name: SHOP }).waitFor();
    // Only Córdoba's shops are listed.
    expect(await page.locator('.shop-card').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Córdoba')]));
    await screenshot(page, 'customer-02-results');
    await page.getByRole('link', { name: SHOP }).click();

    await page.getByRole('heading', { name: SHOP, level: 1 }).waitFor();
    await page.getByText('Bv. San Juan 455').waitFor();
    await screenshot(page, 'customer-03-shop');
    // Step 1: the service, chosen on the shop page.
    await page.getByRole('link', { name: `Reservar ${HAIRCUT}` }).click();

    // Step 2: any barber.
    await page.getByRole('heading', { name: 'Paso 2 de 4: Barbero' }).waitFor();
    await page.getByRole('button', { name: /^Cualquiera/ }).click();

    // Step 3: the first free slot of the third day with any. The last test reschedules this
    // visit, which the policy allows until 24 h before it: the third day with free times is
    // always further away than that, whatever the time of day the suite runs.
    await page.getByRole('heading', { name: 'Paso 3 de 4: Día y horario' }).waitFor();
    // Keyboard and screen-reader users continue from the new step's heading.
    expect(await page.locator(':focus').textContent()).toBe('Paso 3 de 4: Día y horario');
    await page.getByRole('group', { name: 'Día' }).getByRole('button', { name: /horarios libres$/ }).nth(2).click();
    const slot = page.getByRole('group', { name: 'Horario' }).getByRole('button').first();
    await slot.waitFor();
    const time = (await slot.textContent())!.trim();
    await screenshot(page, 'customer-04-slots');
    await slot.click();

    // Step 4: confirm; a newcomer signs up on the way and comes back to this step.
    await page.getByRole('heading', { name: 'Paso 4 de 4: Confirmar y pagar' }).waitFor();
    await page.getByRole('link', { name: 'Crear cuenta' }).click();
    await page.getByLabel('Nombre y apellido').fill(newcomer.name);
    await page.getByLabel('Email').fill(newcomer.email);
    await page.getByLabel('Contraseña').fill(newcomer.password);
    await page.getByLabel(/acepto los términos y condiciones/i).check();
    await screenshot(page, 'customer-05-signup');
    await page.getByRole('button', { name: 'Crear cuenta' }).click();
    await page.getByRole('heading', { name: 'Paso 4 de 4: Confirmar y pagar' }).waitFor();
    await expect.poll(() => page.locator('.summary').textContent()).toContain(`${time} h`);
    await screenshot(page, 'customer-06-confirm');
    await page.getByRole('button', { name: 'Reservar y pagar la seña de $ 3.000,00' }).click();

    // The hold, with its countdown, and the way to pay.
    await page.waitForURL(/\/reservas\/[0-9a-f-]{36}$/);
    bookingId = new URL(page.url()).pathname.split('/').pop()!;
    const timer = page.getByRole('timer');
    await timer.waitFor();
    expect(await timer.textContent()).toMatch(/Tiempo para pagar: (9|10):\d\d/);
    await screenshot(page, 'customer-07-hold');
    await page.getByRole('button', { name: 'Pagar $ 3.000,00 con Mercado Pago' }).click();

    // MercadoPago's hosted checkout (the local sandbox): cardholder APRO approves.
    await page.getByRole('heading', { name: 'Pagá tu reserva' }).waitFor();
    const cardholder = page.getByLabel('Nombre del titular (como figura en la tarjeta)');
    await cardholder.fill('APRO');
    await screenshot(page, 'customer-08-mercadopago');
    // The checkout fits the phone: nothing to scroll sideways, and the pay button takes a tap.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.getByRole('button', { name: 'Pagar $ 3.000,00' }).tap();

    // Back in the app: confirmed once MercadoPago's webhook lands.
    await page.waitForURL((url) => url.pathname === `/reservas/${bookingId}` && url.searchParams.get('pago') === 'aprobado');
    await page
      .getByRole('heading', { name: '¡Turno confirmado!' })
      .waitFor({ timeout: 20_000 })
      .catch(async (error: unknown) => {
        await screenshot(page, 'customer-09-not-confirmed');
        const state = await apiCall('GET', `/api/v1/bookings/${bookingId}`, ownerToken);
        throw new Error(`the booking was not confirmed: ${JSON.stringify(state)}; server output:\n${stack.output().slice(-4000)}`, { cause: error });
      });
    const elapsedMs = Date.now() - started;
    await screenshot(page, 'customer-09-confirmed');
    console.log(`newcomer booked and paid a haircut in Córdoba in ${(elapsedMs / 1000).toFixed(1)} s`);
    expect(elapsedMs).toBeLessThan(60_000);
    expect(await page.locator('.summary').textContent()).toContain('Confirmado');
    await page.getByRole('button', { name: 'Agregar al calendario' }).waitFor();

    const booking = await apiCall<{ status: string; deposit: { amountCents: number } }>('GET', `/api/v1/bookings/${bookingId}`, ownerToken);
    expect(booking).toMatchObject({ status: 'confirmed', deposit: { amountCents: DEPOSIT_CENTS } });
  });

  it('the shop sees the newcomer’s booking in its agenda, and the operators’ dashboard counts it in its region', async () => {
    const booking = await apiCall<{ start: string }>('GET', `/api/v1/bookings/${bookingId}`, ownerToken);
    const shop = await apiCall<{ region: string }>('GET', `/api/v1/shops/${shopId}`);
    const owner = await (await desktopContext(browser, stack.baseUrl)).newPage();
    await signIn(owner, SHOP_OWNER);
    // The start carries the shop's offset: its date and time are the shop's local ones.
    await owner.goto(`/panel/${shopId}/agenda?fecha=${booking.start.slice(0, 10)}`);
    const card = owner.getByRole('article', { name: `${booking.start.slice(11, 16)} ${newcomer.name.split(' ')[0]}, ${HAIRCUT}` });
    await card.waitFor();
    expect(await card.textContent()).toContain('Confirmado');
    await screenshot(owner, 'journey-1-shop-agenda');

    const admin = await (await desktopContext(browser, stack.baseUrl)).newPage();
    await signIn(admin, DEMO.admin);
    const adminToken = (await apiCall<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, { email: DEMO.admin, password: DEMO.password })).accessToken;
    const business = await apiCall<{ regional: { rows: Array<{ providerRegion: string; bookings: number }> }; dailySummary: { rows: Array<{ bookings: number }> } }>(
      'GET',
      '/api/v1/admin/dashboards/business?days=7',
      adminToken,
    );
    expect(business.regional.rows.find((r) => r.providerRegion === shop.region)?.bookings).toBeGreaterThanOrEqual(1);
    const created = business.dailySummary.rows.reduce((sum, r) => sum + r.bookings, 0);
    expect(created).toBeGreaterThanOrEqual(1);
    await admin.goto('/admin/negocio?dias=7');
    await expect.poll(() => admin.getByText('Reservas creadas').first().isVisible()).toBe(true);
    const regional = admin.locator('[data-chart="regional"]');
    await regional.locator('.recharts-surface').first().waitFor({ timeout: 15_000 });
    expect(await regional.locator('path.recharts-rectangle').count()).toBeGreaterThan(0);
    await screenshot(admin, 'journey-2-operator-business');
    await owner.context().close();
    await admin.context().close();
  });

  it('a second customer loses the race for the same slot, sees why, and books one of the offered alternatives with one tap', async () => {
    // The rival's account is arranged through the API: signing up is what the first test proves.
    const rival = { email: `rival.${Date.now()}@example.com`, password: 'otro-cliente-1', fullName: 'Tomás Rival', acceptTerms: true };
    await apiCall('POST', '/api/v1/auth/register', undefined, rival);
    const contexts = await Promise.all([phoneContext(browser, stack.baseUrl), phoneContext(browser, stack.baseUrl)]);
    const [winner, loser] = await Promise.all(contexts.map((c) => c.newPage())) as [Page, Page];
    await signIn(winner, DEMO.customer);
    await signIn(loser, rival.email, rival.password);

    // Both pick the same barber's same free slot.
    const reachSlots = async (page: Page) => {
      await page.goto(`/barberias/${shopId}`);
      await page.getByRole('link', { name: `Reservar ${HAIRCUT}` }).click();
      await page.getByRole('button', { name: /^Facundo/ }).click();
      await page.getByRole('group', { name: 'Horario' }).getByRole('button').first().waitFor();
    };
    // The loser's availability answers slowly, to see the step while its slots load: placeholders
    // hold the space, and nothing on the page moves when the slots arrive.
    let releaseAvailability = () => {};
    const availabilityHeld = new Promise<void>((resolve) => (releaseAvailability = resolve));
    await loser.route('**/api/v1/shops/*/availability?*', async (route) => {
      await availabilityHeld;
      await route.continue();
    });
    const reachLoading = async (page: Page) => {
      await page.goto(`/barberias/${shopId}`);
      await page.getByRole('link', { name: `Reservar ${HAIRCUT}` }).click();
      await page.getByRole('button', { name: /^Facundo/ }).click();
    };
    await Promise.all([reachSlots(winner), reachLoading(loser)]);
    await loser.getByText('Buscando horarios libres…').waitFor();
    const boxes = () => Promise.all(['.day-strip', '.slot-area', '.slot-grid'].map((selector) => loser.locator(selector).boundingBox()));
    const [stripWhileLoading, areaWhileLoading, gridWhileLoading] = await boxes();
    // No day is picked before availability says which ones have room (the pick would jump).
    expect(await loser.getByRole('group', { name: 'Día' }).getByRole('button', { pressed: true }).count()).toBe(0);
    await screenshot(loser, 'customer-10-slots-loading');
    releaseAvailability();
    await loser.getByRole('group', { name: 'Horario' }).getByRole('button').first().waitFor();
    const [stripLoaded, areaLoaded, gridLoaded] = await boxes();
    expect(stripLoaded).toEqual(stripWhileLoading);
    expect(areaLoaded!.y).toBe(areaWhileLoading!.y);
    expect(gridLoaded!.y).toBe(gridWhileLoading!.y);
    await loser.unroute('**/api/v1/shops/*/availability?*');
    const time = (await winner.getByRole('group', { name: 'Horario' }).getByRole('button').first().textContent())!.trim();
    for (const page of [winner, loser]) await page.getByRole('group', { name: 'Horario' }).getByRole('button', { name: time, exact: true }).click();
    const reserve = (page: Page) => page.getByRole('button', { name: 'Reservar y pagar la seña de $ 3.000,00' });
    await reserve(loser).waitFor();

    await reserve(winner).click();
    await winner.waitForURL(/\/reservas\//);
    await reserve(loser).click();

    const alert = loser.getByRole('alert').filter({ hasText: 'ya no está disponible' });
    await alert.waitFor();
    const alternatives = loser.getByRole('list', { name: 'Horarios alternativos' }).getByRole('button');
    await alternatives.first().waitFor();
    expect(await alternatives.count()).toBeGreaterThan(0);
    expect(await alternatives.count()).toBeLessThanOrEqual(5);
    await screenshot(loser, 'customer-11-race-lost');
    const chosen = (await alternatives.first().textContent())!;
    expect(chosen).toContain('con Facundo');
    await alternatives.first().click();

    await loser.waitForURL(/\/reservas\/[0-9a-f-]{36}$/);
    await loser.getByRole('timer').waitFor();
    const summary = (await loser.locator('.summary').textContent())!;
    expect(summary).toContain('Facundo');
    expect(summary).toContain('Esperando la seña');
    expect(summary).not.toContain(`${time} h`);
    expect(chosen).toContain(summary.match(/(\d\d:\d\d) h/)![1]);
    await screenshot(loser, 'customer-12-alternative-held');

    // Changing their mind: the hold is released from "Mis turnos".
    await loser.getByRole('link', { name: 'Ver mis turnos' }).click();
    const held = loser.getByRole('region', { name: 'Próximos' }).getByRole('listitem', { name: `${HAIRCUT} en ${SHOP}` });
    await held.getByRole('button', { name: 'Cancelar turno' }).click();
    await held.getByRole('button', { name: 'Sí, cancelar el turno' }).click();
    const cancelled = loser.getByRole('region', { name: 'Anteriores' }).getByRole('listitem', { name: `${HAIRCUT} en ${SHOP}` });
    await cancelled.getByText('Cancelado por vos').waitFor();
    expect(await loser.getByRole('region', { name: 'Próximos' }).getByRole('listitem').count()).toBe(0);
    await screenshot(loser, 'customer-13-hold-cancelled');
    await Promise.all(contexts.map((c) => c.close()));
  });

  it('in "Mis turnos" the customer adds the visit to the calendar, and after it reviews it and downloads the invoice PDF', async () => {
    const page = newcomerPage;
    await page.goto('/mis-turnos');
    const card = page.getByRole('listitem', { name: `${HAIRCUT} en ${SHOP}` });
    await card.waitFor();

    // Reschedule to the first other free time with the same barber.
    await card.getByRole('button', { name: 'Reprogramar' }).click();
    const newSlot = card.getByRole('group', { name: 'Horario' }).getByRole('button').first();
    await newSlot.waitFor();
    const newTime = (await newSlot.textContent())!.trim();
    await newSlot.click();
    await screenshot(page, 'customer-14-reschedule');
    await card.getByRole('button', { name: /^Pasar al/ }).click();
    // The picker closes once the change is saved (its button also names the new time).
    await card.getByRole('button', { name: /^Pasar al/ }).waitFor({ state: 'detached' });
    await expect.poll(() => card.textContent()).toContain(`${newTime} h`);
    await screenshot(page, 'customer-15-my-bookings');

    const [ics] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Agregar al calendario' }).click()]);
    expect(ics.suggestedFilename()).toMatch(/\.ics$/);
    const calendar = await readFile((await ics.path())!, 'utf8');
    expect(calendar).toContain('BEGIN:VCALENDAR');
    expect(calendar).toContain(`UID:booking-${bookingId}@barberpro.ar`);
    expect(calendar).toContain(`SUMMARY:${HAIRCUT} en ${SHOP}`);
    expect(calendar).toContain('SEQUENCE:1'); // the rescheduled version of the event

    // After the visit. The server runs on the real clock, so the visit is moved a week into
    // the past (nothing else is booked then) and the shop marks it done through its API.
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await db.query(
      `update bookings set starts_at = starts_at - interval '7 days', ends_at = ends_at - interval '7 days',
         blocked_from = blocked_from - interval '7 days', blocked_to = blocked_to - interval '7 days' where id = $1`,
      [bookingId],
    );
    await db.end();
    await apiCall('POST', `/api/v1/bookings/${bookingId}/complete`, ownerToken);
    // The deposit's invoice is issued by AFIP (the local sandbox) after the payment: wait for it.
    await expect
      .poll(async () => (await apiCall<{ items: Array<{ status: string }> }>('GET', `/api/v1/bookings/${bookingId}/invoices`, ownerToken)).items.map((i) => i.status), { timeout: 20_000 })
      .toContain('authorized');

    await page.reload();
    const done = page.getByRole('region', { name: 'Anteriores' }).getByRole('listitem', { name: `${HAIRCUT} en ${SHOP}` });
    await done.waitFor();
    expect(await done.textContent()).toContain('Realizado');

    await done.getByLabel('5 estrellas').check();
    await done.getByLabel('Comentario (opcional)').fill('Excelente corte, muy puntual.');
    await screenshot(page, 'customer-16-review');
    await done.getByRole('button', { name: 'Enviar opinión' }).click();
    await done.getByText('Ya dejaste tu opinión. ¡Gracias!').waitFor();

    const [pdf] = await Promise.all([page.waitForEvent('download'), done.getByRole('button', { name: 'Descargar factura' }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    const bytes = await readFile((await pdf.path())!);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    await screenshot(page, 'customer-17-reviewed');

    await newcomerContext.close();

    // The review is public on the shop's page (for a visitor: this browser may keep the
    // reviews it read a minute ago, as the API allows shared caches to).
    const visitorContext = await phoneContext(browser, stack.baseUrl);
    const visitor = await visitorContext.newPage();
    await visitor.goto(`/barberias/${shopId}`);
    await visitor.getByText('Excelente corte, muy puntual.').waitFor();
    await screenshot(visitor, 'customer-18-shop-review');
    await visitorContext.close();
  });

  it('back from MercadoPago, a payment whose notification does not come stops spinning after a minute and says not to pay again', async () => {
    // A hold the demo customer never pays (arranged through the API): the page waits for a
    // notification that never lands. The browser's clock is fake, so the minute passes at once.
    const { accessToken } = await apiCall<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, { email: DEMO.customer, password: DEMO.password });
    const shop = await apiCall<{ services: Array<{ id: string; name: string }> }>('GET', `/api/v1/shops/${shopId}`);
    const haircut = shop.services.find((s) => s.name === HAIRCUT)!;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Argentina/Cordoba' }).format(new Date());
    const inAWeek = new Date(Date.parse(`${today}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    const { slots } = await apiCall<{ slots: Array<{ start: string; barberId: string }> }>('GET', `/api/v1/shops/${shopId}/availability?serviceId=${haircut.id}&from=${today}&to=${inAWeek}`);
    const slot = slots[slots.length - 1]!; // the week's last: far from the slots the other tests take
    const hold = await apiCall<{ id: string; status: string }>('POST', '/api/v1/bookings', accessToken, { shopId, serviceId: haircut.id, barberId: slot.barberId, start: slot.start });
    expect(hold.status).toBe('pending');

    const context = await phoneContext(browser, stack.baseUrl);
    const page = await context.newPage();
    await signIn(page, DEMO.customer);
    await page.clock.install();
    await page.goto(`/reservas/${hold.id}?pago=aprobado`);
    await page.getByRole('heading', { name: 'Estamos confirmando tu pago' }).waitFor();
    expect(await page.locator('.spinner').count()).toBe(1);

    await page.clock.fastForward('01:01');
    await page.getByRole('heading', { name: 'Tu pago todavía no se acreditó' }).waitFor();
    const status = await page.getByRole('status').textContent();
    expect(status).toContain('No vuelvas a pagar');
    expect(status).toMatch(/Te guardamos el horario hasta las \d\d:\d\d h/);
    expect(await page.locator('.spinner').count()).toBe(0);
    await screenshot(page, 'customer-19-payment-not-yet-credited');

    // Asking again reads the booking again; it is still a hold.
    const read = page.waitForResponse((r) => r.url().endsWith(`/api/v1/bookings/${hold.id}`) && r.request().method() === 'GET');
    await page.getByRole('button', { name: 'Consultar de nuevo' }).click();
    expect((await read).status()).toBe(200);
    await page.getByRole('heading', { name: 'Tu pago todavía no se acreditó' }).waitFor();
    await context.close();
  });
});

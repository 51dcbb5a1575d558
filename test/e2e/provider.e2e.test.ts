import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, desktopContext, e2eAvailable, launchBrowser, phoneContext, screenshot, signIn, startStack, type Stack } from './harness.js';

/**
 * The provider's workspace in a real browser: the demo owner of Barbería Don Julio sees a
 * customer's booking in the day agenda at its local time, marks it completed, changes a
 * price the public shop then shows, and reads utilization with the runbook's band.
 */
describe.skipIf(!e2eAvailable())('provider workspace in a real browser', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  let shopId: string;
  let booking: { id: string; start: string; date: string; time: string };

  const apiAs = async (email: string) => {
    const res = await fetch(`${stack.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO.password }) });
    const { accessToken } = (await res.json()) as { accessToken: string };
    return async <T = any>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> => {
      const r = await fetch(`${stack.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${accessToken}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      });
      return { status: r.status, body: (await r.json()) as T };
    };
  };

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    desktop = await desktopContext(browser, stack.baseUrl);
    page = await desktop.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('arranges a booking the demo customer makes for Barbería Don Julio (through the API: it is the customer area’s step)', async () => {
    const customer = await apiAs(DEMO.customer);
    const search = await customer<{ items: Array<{ id: string; name: string }> }>('/api/v1/shops?q=Don%20Julio');
    shopId = search.body.items.find((s) => s.name === 'Barbería Don Julio')!.id;
    const shop = await customer<{ services: Array<{ id: string; name: string }> }>(`/api/v1/shops/${shopId}`);
    const cut = shop.body.services.find((s) => s.name === 'Corte de pelo')!;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Argentina/Buenos_Aires' }).format(new Date());
    const inAWeek = new Date(Date.parse(`${today}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    const slots = await customer<{ slots: Array<{ start: string; barberId: string }> }>(`/api/v1/shops/${shopId}/availability?serviceId=${cut.id}&from=${today}&to=${inAWeek}`);
    const slot = slots.body.slots[0]!;
    const made = await customer<{ id: string; start: string; status: string }>('/api/v1/bookings', {
      method: 'POST',
      headers: { 'idempotency-key': `provider-e2e-${Date.now()}` },
      body: { shopId, serviceId: cut.id, start: slot.start, barberId: slot.barberId },
    });
    expect(made.status).toBe(201);
    expect(made.body.status).toBe('confirmed'); // "Corte de pelo" takes no deposit
    // The API answers in the shop's offset (-03:00): the date and wall time are in the string.
    booking = { id: made.body.id, start: made.body.start, date: made.body.start.slice(0, 10), time: made.body.start.slice(11, 16) };
  });

  it('the owner signs in and sees the booking in the day agenda at its Buenos Aires time, with the customer’s first name', async () => {
    await signIn(page, DEMO.provider);
    await page.waitForURL(/\/panel\/[0-9a-f-]+\/agenda/);
    expect(page.url()).toContain(shopId);
    await page.goto(`/panel/${shopId}/agenda?fecha=${booking.date}`);
    const card = page.getByRole('article', { name: `${booking.time} Lucía, Corte de pelo` });
    await card.waitFor();
    expect(await card.textContent()).toContain('Confirmado');
    // Not started yet: the shop may cancel it, not close it out.
    expect(await card.getByRole('button', { name: 'Cancelar turno' }).isVisible()).toBe(true);
    expect(await card.getByRole('button', { name: 'Marcar realizado' }).count()).toBe(0);
    // Working hours and the lunch break of the demo shop are drawn too.
    expect(await page.getByText('Descanso').count()).toBeGreaterThan(0);
    await screenshot(page, 'provider-1-day-agenda');
    await page.getByRole('button', { name: 'Semana' }).click();
    await page.getByRole('article', { name: `${booking.time} Lucía, Corte de pelo` }).waitFor();
    await screenshot(page, 'provider-1b-week-agenda');
  });

  it('marks the booking completed once its time has passed', async () => {
    // The API refuses to complete a booking that has not started (bookings/policy.ts
    // canCloseOut), and the stack runs on the real clock, so the test moves this booking to
    // 10:00 of the last working day before today (Monday to Saturday in the demo shop)
    // directly in the database, through the test's DATABASE_URL: arranging time, not
    // performing the step under test.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Argentina/Buenos_Aires' }).format(new Date());
    let date = today;
    do date = new Date(Date.parse(`${date}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    while (new Date(`${date}T12:00:00Z`).getUTCDay() === 0);
    const time = '10:00';
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const moved = await db.query(
      `update bookings set starts_at = $2::timestamptz, ends_at = $2::timestamptz + interval '30 minutes',
              blocked_from = $2::timestamptz, blocked_to = $2::timestamptz + interval '30 minutes'
        where id = $1`,
      [booking.id, `${date}T${time}:00-03:00`],
    );
    await db.end();
    expect(moved.rowCount).toBe(1);

    await page.goto(`/panel/${shopId}/agenda?fecha=${date}`);
    const card = page.getByRole('article', { name: `${time} Lucía, Corte de pelo` });
    await card.getByRole('button', { name: 'Marcar realizado' }).click();
    await expect.poll(() => card.textContent()).toContain('Realizado');
    expect(await card.getByRole('button', { name: 'Marcar realizado' }).count()).toBe(0);
    await screenshot(page, 'provider-2-completed');
    const owner = await apiAs(DEMO.provider);
    expect((await owner<{ status: string }>(`/api/v1/bookings/${booking.id}`)).body.status).toBe('completed');
  });

  it('blocks time off for a barber in Horarios, and the agenda shows it', async () => {
    await page.getByRole('link', { name: 'Horarios' }).click();
    await page.getByLabel('Barbero').selectOption({ label: 'Santiago' });
    await page.getByRole('heading', { name: 'Horario semanal' }).waitFor();
    await page.getByLabel('Desde', { exact: true }).first().fill(`${booking.date}T16:00`);
    await page.getByLabel('Hasta', { exact: true }).first().fill(`${booking.date}T17:30`);
    await page.getByLabel('Motivo (opcional)').fill('Trámite');
    await page.getByRole('button', { name: 'Agregar ausencia' }).click();
    await page.getByText('Ausencia guardada.').waitFor();
    await screenshot(page, 'provider-3a-schedule');
    await page.goto(`/panel/${shopId}/agenda?fecha=${booking.date}`);
    const santiago = page.getByRole('region', { name: 'Santiago' });
    await santiago.getByText('16:00–17:30 Ausencia: Trámite').waitFor();
    await page.getByRole('link', { name: 'Ajustes' }).click();
    await page.getByRole('heading', { name: 'MercadoPago' }).waitFor();
    // The demo seed links Don Julio to the local MercadoPago sandbox and sets up AFIP.
    await page.getByText('Vinculada', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Volver a vincular MercadoPago' }).isVisible()).toBe(true);
    await page.getByText('Configurada: punto de venta 1', { exact: false }).waitFor();
    await screenshot(page, 'provider-3b-settings');
  });

  it('edits a service price in pesos and the public shop shows it', async () => {
    await page.getByRole('navigation', { name: 'Secciones de la barbería' }).getByRole('link', { name: 'Servicios y precios' }).click();
    await page.getByRole('button', { name: 'Editar Corte de pelo' }).click();
    const form = page.getByRole('form', { name: 'Editar Corte de pelo' });
    await form.getByLabel('Precio ($)').fill('13.500,50');
    await screenshot(page, 'provider-3-edit-price');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await page.getByText('$ 13.500,50').waitFor();
    await screenshot(page, 'provider-4-price-saved');
    // The public shop (what the shop page renders) now offers the new price, in centavos.
    const publicShop = await page.request.get(`/api/v1/shops/${shopId}`);
    const cut = ((await publicShop.json()) as { services: Array<{ name: string; price: { amountCents: number } }> }).services.find((s) => s.name === 'Corte de pelo')!;
    expect(cut.price.amountCents).toBe(1_350_050);
  });

  it('opens revenue and utilization with the runbook’s 75–85% band drawn on the chart', async () => {
    await page.getByRole('link', { name: 'Ingresos y ocupación' }).click();
    await page.getByRole('heading', { name: 'Ocupación', exact: true }).waitFor();
    await page.locator('.recharts-reference-area').first().waitFor();
    expect(await page.getByText('Óptimo 75–85 %').count()).toBeGreaterThan(0);
    // The completed haircut counts: one completed booking worth its list price at the time.
    await expect.poll(() => page.getByRole('group', { name: 'Turnos realizados', exact: true }).textContent()).toContain('1');
    await expect.poll(() => page.getByRole('group', { name: 'Valor de los turnos realizados', exact: true }).textContent()).toContain('$ 12.000,00');
    expect(await page.getByRole('table').getByRole('row').count()).toBe(4); // header + Julio, Matías, Santiago
    await screenshot(page, 'provider-5-numbers');
  });

  it('keeps the agenda usable on a 360 px phone', async () => {
    const customer = await apiAs(DEMO.customer);
    const shop = await customer<{ services: Array<{ id: string; name: string }> }>(`/api/v1/shops/${shopId}`);
    const beard = shop.body.services.find((s) => s.name === 'Perfilado de barba')!;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Argentina/Buenos_Aires' }).format(new Date());
    const inAWeek = new Date(Date.parse(`${today}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    const slot = (await customer<{ slots: Array<{ start: string; barberId: string }> }>(`/api/v1/shops/${shopId}/availability?serviceId=${beard.id}&from=${today}&to=${inAWeek}`)).body.slots[0]!;
    const made = await customer<{ start: string }>('/api/v1/bookings', { method: 'POST', body: { shopId, serviceId: beard.id, start: slot.start, barberId: slot.barberId } });
    expect(made.status).toBe(201);

    const phone = await phoneContext(browser, stack.baseUrl);
    const small = await phone.newPage();
    await signIn(small, DEMO.provider);
    await small.goto(`/panel/${shopId}/agenda?fecha=${made.body.start.slice(0, 10)}`);
    const card = small.getByRole('article', { name: `${made.body.start.slice(11, 16)} Lucía, Perfilado de barba` });
    await card.waitFor();
    // Nothing wider than the phone: no sideways scrolling, the card and its action fit.
    expect(await small.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    const cancel = card.getByRole('button', { name: 'Cancelar turno' });
    await cancel.scrollIntoViewIfNeeded();
    const box = await cancel.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    expect(box!.height).toBeGreaterThanOrEqual(36);
    await cancel.click();
    expect(await card.getByText('La barbería puede cancelar hasta que empiece el turno.', { exact: false }).isVisible()).toBe(true);
    await screenshot(small, 'provider-6-phone-agenda');
    await phone.close();
  });
});

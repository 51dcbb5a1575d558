import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../src/sandbox/mercadopago/test-cards.js';
import { formatCentavos, formatNumber, formatPercent } from '../../web/src/ui/format.js';
import { waitFor } from '../helpers.js';
import { DEMO, desktopContext, e2eAvailable, launchBrowser, phoneContext, screenshot, signIn, startStack, type Stack } from './harness.js';

/** What the operators' dashboards show after real traffic: searches, a paid booking, failed logins. */

const TARGET_DAILY_CENTAVOS = 2_000_000;
const ALERTMANAGER_TOKEN = 'e2e-alertmanager-token-0123456789';

/** expect.poll with room for a loaded CI machine (its default gives up after 1 s). */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

describe.skipIf(!e2eAvailable())('the operators’ dashboards in a real browser', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let adminToken: string;

  async function call<T = any>(path: string, init: { method?: string; token?: string; body?: unknown; idempotencyKey?: string } = {}): Promise<T> {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.idempotencyKey ? { 'idempotency-key': init.idempotencyKey } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  const login = async (email: string, password: string = DEMO.password) =>
    fetch(`${stack.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

  beforeAll(async () => {
    stack = await startStack({ REVENUE_TARGET_DAILY_CENTAVOS: String(TARGET_DAILY_CENTAVOS), ALERTMANAGER_WEBHOOK_TOKEN: ALERTMANAGER_TOKEN });
    browser = await launchBrowser();

    // Traffic the dashboards should reflect. These steps belong to the customer area; the
    // browser part of this test is the operator's.
    // Shop ids come from this stack's database: search answers are cached in Redis for a minute,
    // and another stack sharing that Redis may have cached its own shops under the same search.
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const shopsByCity = new Map<string, string>();
    try {
      for (const row of (await db.query<{ id: string; city: string }>('select id, city from shops order by created_at, id')).rows) if (!shopsByCity.has(row.city)) shopsByCity.set(row.city, row.id);
    } finally {
      await db.end();
    }
    for (const city of ['Córdoba', 'Rosario', 'Mendoza', 'Buenos Aires']) {
      await call(`/api/v1/shops?city=${encodeURIComponent(city)}`);
      await call(`/api/v1/shops/${shopsByCity.get(city)!}`); // timed under the shop's region
    }
    const cordoba = { id: shopsByCity.get('Córdoba')! };
    const shop = await call<{ services: Array<{ id: string; name: string }>; timezone: string }>(`/api/v1/shops/${cordoba.id}`);
    const service = shop.services.find((s) => s.name === 'Corte y barba')!; // takes a 30 % deposit
    const customer = (await (await login(DEMO.customer)).json()) as { accessToken: string; user: { id: string } };
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: shop.timezone }).format(new Date());
    const inAWeek = new Intl.DateTimeFormat('en-CA', { timeZone: shop.timezone }).format(new Date(Date.now() + 6 * 86_400_000));
    const availability = await call<{ slots: Array<{ start: string }> }>(`/api/v1/shops/${cordoba.id}/availability?serviceId=${service.id}&from=${today}&to=${inAWeek}`);
    // A slot can be lost between listing and booking; then the API offers alternatives.
    let booking: { id: string } | undefined;
    let start = availability.slots[0]!.start;
    for (let attempt = 0; attempt < 3 && !booking; attempt++) {
      const res = await fetch(`${stack.baseUrl}/api/v1/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${customer.accessToken}`, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ shopId: cordoba.id, serviceId: service.id, start }),
      });
      const body = (await res.json()) as { id: string; alternatives?: Array<{ start: string }> };
      if (res.status === 201) booking = body;
      else if (res.status === 409 && body.alternatives?.[0]) start = body.alternatives[0].start;
      else throw new Error(`booking refused: ${res.status} ${JSON.stringify(body)}`);
    }
    if (!booking) throw new Error('no slot could be booked');
    const checkout = await call<{ checkoutUrl: string }>(`/api/v1/bookings/${booking.id}/checkout`, { method: 'POST', token: customer.accessToken });
    // Pay in the local MercadoPago sandbox as its checkout form would; its webhook confirms the booking.
    const paid = await fetch(checkout.checkoutUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ cardholder_name: 'APRO', card_number: TEST_CARDS[0].number, expiry: '11/30', security_code: '123' }),
      redirect: 'manual',
    });
    expect(paid.status, await paid.text()).toBeLessThan(400);
    await waitFor(
      async () => (await call<{ status: string }>(`/api/v1/bookings/${booking.id}`, { token: customer.accessToken })).status,
      (status) => status === 'confirmed',
      // Normally the webhook's job confirms it in about a second; if that job is lost (a busy
      // Redis), the once-a-minute reconciliation processes the stored notification.
      90_000,
    ).catch(async (error: Error) => {
      const probe = new pg.Client({ connectionString: stack.databaseUrl });
      await probe.connect();
      const state = {
        payments: (await probe.query('select status, mp_status, mp_payment_id, created_at from payments')).rows,
        notifications: (await probe.query('select mp_payment_id, processed_at, attempts, last_error from payment_notifications')).rows,
      };
      await probe.end();
      throw new Error(`${error.message}\n${JSON.stringify(state)}\npaid: ${paid.status} ${paid.headers.get('location')}\nserver output:\n${stack.output().slice(-4000)}`);
    });

    // A forged MercadoPago notification (wrong x-signature): refused and counted.
    const forged = await fetch(`${stack.baseUrl}/api/v1/webhooks/mercadopago?data.id=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': `ts=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'x-request-id': 'forged' },
      body: JSON.stringify({ type: 'payment', data: { id: '1' } }),
    });
    expect(forged.status).toBe(401);

    // Three wrong passwords (under the lockout threshold of five).
    for (let i = 0; i < 3; i++) expect((await login(DEMO.customer, 'not-the-password')).status).toBe(401);

    // A visit from last week with its review: the server's clock cannot be moved to complete a
    // future booking, so this past, completed and reviewed visit is written to the database.
    const writer = new pg.Client({ connectionString: stack.databaseUrl });
    await writer.connect();
    try {
      const { rows } = await writer.query<{ id: string }>(
        `insert into bookings (shop_id, barber_id, service_id, customer_id, status, starts_at, ends_at, blocked_from, blocked_to, price_cents, response_time_ms, created_at)
         select s.shop_id, b.id, s.id, $2, 'completed', now() - interval '3 days', now() - interval '3 days' + interval '45 minutes',
                now() - interval '3 days', now() - interval '3 days' + interval '45 minutes', s.price_cents, 42, now() - interval '4 days'
         from services s join barbers b on b.shop_id = s.shop_id where s.id = $1 limit 1 returning id`,
        [service.id, customer.user.id],
      );
      await writer.query(
        `insert into reviews (booking_id, shop_id, barber_id, customer_id, rating, comment)
         select id, shop_id, barber_id, customer_id, 5, 'Excelente atención' from bookings where id = $1`,
        [rows[0]!.id],
      );
    } finally {
      await writer.end();
    }

    adminToken = ((await (await login(DEMO.admin)).json()) as { accessToken: string }).accessToken;
    // Starting the stack alone may take the harness's 90 s on a loaded machine; unloaded, all of this takes ~30 s.
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Marks recharts drew inside one chart card with a visible size: bars by default, or `selector` (lines, dots). */
  async function marks(page: Page, chart: string, selector = 'path.recharts-rectangle'): Promise<number> {
    const card = page.locator(`[data-chart="${chart}"]`);
    await card.locator('.recharts-surface').first().waitFor({ timeout: 15_000 });
    return card.locator(selector).evaluateAll((elements) =>
      elements.filter((e) => {
        const box = e.getBoundingClientRect();
        return box.width > 0.5 || box.height > 0.5;
      }).length,
    );
  }

  const kpi = (page: Page, label: string) => page.locator('.kpi', { has: page.getByText(label, { exact: true }) }).locator('.kpi-value');

  it('an admin opens each dashboard and sees charts drawn from the API’s figures', async () => {
    const context = await desktopContext(browser, stack.baseUrl);
    const page = await context.newPage();
    await signIn(page, DEMO.admin);
    await page.waitForURL('**/admin');

    // Executive.
    await eventually(() => page.getByRole('heading', { name: 'Tablero ejecutivo' }).isVisible()).toBe(true);
    for (const chart of ['daily-active-users', 'revenue', 'satisfaction', 'performance']) expect(await marks(page, chart), chart).toBeGreaterThan(0);
    expect(await marks(page, 'satisfaction-trend', '.recharts-line-dot, .recharts-line-dots circle')).toBeGreaterThan(0);
    expect(await page.locator('[data-chart="revenue"] .recharts-reference-line').count()).toBe(1);
    const executive = await call('/api/v1/admin/dashboards/executive?days=7', { token: adminToken });
    expect(executive.revenue.totalCents).toBeGreaterThan(0);
    expect(executive.revenue.targetDailyCents).toBe(TARGET_DAILY_CENTAVOS);
    await eventually(() => kpi(page, 'Cobrado').textContent()).toBe(formatCentavos(executive.revenue.totalCents));
    await eventually(() => kpi(page, 'Usuarios activos').textContent()).toBe(formatNumber(executive.dailyActiveUsers.distinctUsers));
    await screenshot(page, 'admin-executive');

    // Operational.
    await page.getByRole('navigation', { name: 'Tableros' }).getByRole('link', { name: 'Operativo' }).click();
    await eventually(() => page.getByRole('heading', { name: 'Tablero operativo' }).isVisible()).toBe(true);
    for (const chart of ['latency-by-region', 'responses-by-status', 'utilization', 'payments']) expect(await marks(page, chart), chart).toBeGreaterThan(0);
    const operational = await call('/api/v1/admin/dashboards/operational?days=7', { token: adminToken });
    expect(operational.payments.successRate).not.toBeNull();
    await eventually(() => kpi(page, 'Pagos exitosos').textContent()).toBe(formatPercent(operational.payments.successRate));
    expect(operational.utilization.shops.some((s: { upcoming: { bookedMinutes: number } }) => s.upcoming.bookedMinutes > 0)).toBe(true);
    await screenshot(page, 'admin-operational');

    // Business Intelligence, last 30 days.
    await page.getByRole('navigation', { name: 'Tableros' }).getByRole('link', { name: 'Inteligencia de negocio' }).click();
    await eventually(() => page.getByRole('heading', { name: 'Inteligencia de negocio' }).isVisible()).toBe(true);
    // The choice lives in the address (shareable); the radio follows once the router navigates.
    await page.getByLabel('Últimos 30 días').click();
    await page.waitForURL('**/admin/negocio?dias=30');
    await eventually(() => page.getByLabel('Últimos 30 días').isChecked()).toBe(true);
    expect(await marks(page, 'daily-summary')).toBeGreaterThan(0);
    expect(await marks(page, 'daily-summary', '.recharts-line-curve')).toBeGreaterThan(0);
    expect(await marks(page, 'regional')).toBeGreaterThan(0);
    const business = await call('/api/v1/admin/dashboards/business?days=30', { token: adminToken });
    const bookings = business.dailySummary.rows.reduce((s: number, r: { bookings: number }) => s + r.bookings, 0);
    expect(bookings).toBeGreaterThanOrEqual(2);
    await eventually(() => kpi(page, 'Reservas creadas').textContent()).toBe(formatNumber(bookings));
    await screenshot(page, 'admin-business');

    // Security.
    await page.getByRole('navigation', { name: 'Tableros' }).getByRole('link', { name: 'Seguridad' }).click();
    await eventually(() => page.getByRole('heading', { name: 'Seguridad', level: 1 }).isVisible()).toBe(true);
    expect(await marks(page, 'security-events')).toBeGreaterThan(0);
    expect(await marks(page, 'signature-failures')).toBeGreaterThan(0);
    const security = await call('/api/v1/admin/dashboards/security', { token: adminToken });
    expect(security.failedLogins).toBeGreaterThanOrEqual(3);
    await eventually(() => kpi(page, 'Ingresos fallidos').textContent()).toBe(formatNumber(security.failedLogins));
    await screenshot(page, 'admin-security');
    await context.close();

    // The same dashboards on a phone-sized window (360 px) stay readable.
    const phone = await phoneContext(browser, stack.baseUrl);
    const small = await phone.newPage();
    await signIn(small, DEMO.admin);
    await small.goto('/admin/operacion');
    expect(await marks(small, 'latency-by-region')).toBeGreaterThan(0);
    expect(await small.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await screenshot(small, 'admin-operational-phone');
    await phone.close();
  });

  it('a firing Alertmanager alert opens an incident the operator acknowledges and resolves on the Incidents page, with MTTR computed', async () => {
    const startsAt = new Date(Date.now() - 12 * 60_000).toISOString();
    const alert = {
      status: 'firing',
      labels: { alertname: 'BarberProPaymentSuccessLow', job: 'barberpro', severity: 'high' },
      annotations: { summary: 'Pagos exitosos por debajo del 95 %' },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: 'e2e-payments-1',
    };
    // Alertmanager's own webhook call (v4 payload), with its bearer token.
    const delivered = await fetch(`${stack.baseUrl}/api/v1/ops/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERTMANAGER_TOKEN}` },
      body: JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="BarberProPaymentSuccessLow"}',
        truncatedAlerts: 0,
        status: 'firing',
        receiver: 'high-devops-lead',
        groupLabels: { alertname: 'BarberProPaymentSuccessLow' },
        commonLabels: alert.labels,
        commonAnnotations: alert.annotations,
        externalURL: 'http://alertmanager:9093',
        alerts: [alert],
      }),
    });
    expect(delivered.status).toBeLessThan(300);
    const open = await call<{ items: Array<{ id: string; title: string; severity: string }> }>('/api/v1/admin/incidents?status=open', { token: adminToken });
    const incident = open.items.find((i) => i.title.includes('Pagos exitosos por debajo del 95 %'))!;
    expect(incident).toMatchObject({ severity: 'high' });

    const context = await desktopContext(browser, stack.baseUrl);
    const page = await context.newPage();
    await signIn(page, DEMO.admin);
    await page.getByRole('navigation', { name: 'Tableros' }).getByRole('link', { name: 'Incidentes' }).click();
    await eventually(() => page.getByRole('link', { name: incident.title }).isVisible()).toBe(true);
    expect(await marks(page, 'incidents-by-severity')).toBeGreaterThan(0);
    await screenshot(page, 'admin-incidents');

    await page.getByRole('button', { name: `Reconocer: ${incident.title}` }).click();
    await eventually(async () => (await call<{ status: string }>(`/api/v1/admin/incidents/${incident.id}`, { token: adminToken })).status).toBe('acknowledged');

    await page.goto(`/admin/incidentes/${incident.id}`);
    await eventually(() => page.getByText('Pagos exitosos por debajo del 95 %').first().isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Marcar como resuelto' }).click();
    await eventually(() => page.getByText('Contá cómo se resolvió.').isVisible()).toBe(true);
    await page.getByLabel('Nota de resolución').fill('Se renovó el token del vendedor en MercadoPago.');
    await page.getByRole('button', { name: 'Marcar como resuelto' }).click();
    const resolved = await waitFor(
      () => call<{ status: string; mttrSeconds: number | null; timeline: Array<{ kind: string }> }>(`/api/v1/admin/incidents/${incident.id}`, { token: adminToken }),
      (i) => i.status === 'resolved',
      15_000,
    );
    // MTTR runs from the opening (the delivery) to the resolution, both within this test; the
    // 12 minutes the alert had been firing before are its detection time, on the timeline.
    expect(resolved.mttrSeconds).toBeGreaterThanOrEqual(0);
    expect(resolved.mttrSeconds).toBeLessThan(5 * 60);
    expect(resolved.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['detected', 'opened', 'acknowledged', 'resolved']));
    await screenshot(page, 'admin-incident-detail');
    await context.close();
  });

  it('refuses a customer who opens /admin', async () => {
    const context = await desktopContext(browser, stack.baseUrl);
    const page = await context.newPage();
    await signIn(page, DEMO.customer);
    await page.goto('/admin');
    await eventually(() => page.getByRole('heading', { name: 'No tenés acceso a esta sección' }).isVisible()).toBe(true);
    await context.close();
  });
});

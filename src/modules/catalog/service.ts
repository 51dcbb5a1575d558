import type { Selectable } from 'kysely';
import type { Cache } from '../../platform/cache.js';
import type { Clock } from '../../platform/clock.js';
import type { BarberDateOverridesTable, BarberTimeOffTable, DepositKind, Service, Shop } from '../../platform/db/schema.js';
import type { Principal } from '../../platform/http/access.js';
import { problems } from '../../platform/http/problem.js';
import { money } from '../../platform/http/schemas.js';
import { localDateOf } from '../availability/slot-engine.js';
import { depositCents } from './pricing.js';
import type { BarberWithServices, CatalogRepository, ShopSearch, ShopSearchRow } from './repository.js';
import { minutesToWallTime, wallTimeToMinutes } from './schemas.js';
import type { ShopAccess, ShopRole } from './shop-access.js';
import type { z } from 'zod';
import type {
  barberBody,
  createShopBody,
  overrideBody,
  serviceBody,
  timeOffBody,
  updateBarberBody,
  updateServiceBody,
  updateShopBody,
  weeklyScheduleSchema,
} from './schemas.js';

/** Called after anything that changes what slots a shop can offer (cache invalidation hooks in here). */
export type CatalogChangeListener = (shopId: string) => void | Promise<void>;

export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

export function toShopSummary(shop: Shop & { price_from?: number | null }) {
  return {
    id: shop.id,
    slug: shop.slug,
    name: shop.name,
    address: shop.address,
    city: shop.city,
    province: shop.province,
    region: shop.region,
    timezone: shop.timezone,
    location: { latitude: shop.latitude, longitude: shop.longitude },
    rating: { average: shop.rating_avg === null ? null : Number(shop.rating_avg), count: shop.rating_count },
    priceFrom: shop.price_from === null || shop.price_from === undefined ? null : money(shop.price_from),
  };
}

/** Only fixed and percent deposits carry a value; the API promises 0 for the others. */
function depositValue(kind: DepositKind, value: number): number {
  return kind === 'fixed' || kind === 'percent' ? value : 0;
}

export function toService(s: Service) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    durationMinutes: s.duration_minutes,
    price: money(s.price_cents),
    deposit: { kind: s.deposit_kind, value: depositValue(s.deposit_kind, s.deposit_value), amount: money(depositCents(s.price_cents, s.deposit_kind, s.deposit_value)) },
    bufferBeforeMinutes: s.buffer_before_minutes,
    bufferAfterMinutes: s.buffer_after_minutes,
    active: s.active,
  };
}

export function toBarber(b: BarberWithServices) {
  return { id: b.id, displayName: b.display_name, bio: b.bio, active: b.active, serviceIds: b.service_ids };
}

function toOverrideGroups(rows: Array<Selectable<BarberDateOverridesTable>>) {
  const byDate = new Map<string, { id: string; date: string; ranges: Array<{ start: string; end: string }>; note: string }>();
  for (const r of rows) {
    let entry = byDate.get(r.on_date);
    if (!entry) byDate.set(r.on_date, (entry = { id: r.id, date: r.on_date, ranges: [], note: r.note }));
    if (r.start_minute !== null && r.end_minute !== null)
      entry.ranges.push({ start: minutesToWallTime(r.start_minute), end: minutesToWallTime(r.end_minute) });
  }
  return [...byDate.values()];
}

function toTimeOff(t: Selectable<BarberTimeOffTable>) {
  return { id: t.id, startsAt: t.starts_at.toISOString(), endsAt: t.ends_at.toISOString(), reason: t.reason };
}

const POLICY_COLUMNS = {
  cancellationCutoffMinutes: 'cancellation_cutoff_minutes',
  holdMinutes: 'hold_minutes',
  minNoticeMinutes: 'min_notice_minutes',
  bookingHorizonDays: 'booking_horizon_days',
  slotStepMinutes: 'slot_step_minutes',
} as const;

export const CATALOG_CACHE_TTL_SECONDS = 60;
export const SEARCH_SCOPE = 'search';
/** One cache scope per shop: its detail and its availability are invalidated together. */
export function shopScope(shopId: string): string {
  return `shop:${shopId}`;
}

export class CatalogService {
  private readonly listeners: CatalogChangeListener[] = [];

  constructor(
    private readonly repo: CatalogRepository,
    private readonly access: ShopAccess,
    private readonly clock: Clock,
    private readonly cache?: Cache,
  ) {}

  onChange(listener: CatalogChangeListener): void {
    this.listeners.push(listener);
  }

  private async changed(shopId: string): Promise<void> {
    // The change has committed; a failing listener must not fail the owner's request.
    for (const listener of this.listeners) await Promise.resolve(listener(shopId)).catch(() => undefined);
  }

  /**
   * Admins pass access checks without a membership, so for them an unknown shop has to be
   * caught here; otherwise it surfaces as a foreign-key error (500) or an empty list.
   */
  private async assertShopExistsFor(role: ShopRole, shopId: string): Promise<void> {
    if (role === 'admin' && !(await this.repo.findShop(shopId))) throw problems.notFound('La barbería');
  }

  private async canManage(principal: Principal, shopId: string): Promise<ShopRole> {
    const role = await this.access.assertCanManage(principal, shopId);
    await this.assertShopExistsFor(role, shopId);
    return role;
  }

  private async member(principal: Principal, shopId: string): Promise<ShopRole> {
    const role = await this.access.assertMember(principal, shopId);
    await this.assertShopExistsFor(role, shopId);
    return role;
  }

  /** Search results change with any shop's catalog or rating; they are cached briefly. */
  async search(search: ShopSearch) {
    if (!this.cache) return this.searchUncached(search);
    const key = JSON.stringify([search.city, search.region, search.q, search.service, search.page, search.pageSize]);
    return this.cache.readThrough('search', SEARCH_SCOPE, key, CATALOG_CACHE_TTL_SECONDS, () => this.searchUncached(search));
  }

  private async searchUncached(search: ShopSearch) {
    const { rows, total } = await this.repo.searchShops(search);
    return { items: rows.map((r: ShopSearchRow) => toShopSummary(r)), page: search.page, pageSize: search.pageSize, total };
  }

  /** The cities to search in; cached with search results, which change on the same events. */
  async cities() {
    const read = async () => ({ items: await this.repo.listCities() });
    if (!this.cache) return read();
    return this.cache.readThrough('search', SEARCH_SCOPE, 'cities', CATALOG_CACHE_TTL_SECONDS, read);
  }

  async getShop(shopId: string) {
    if (!this.cache) return this.getShopUncached(shopId);
    return this.cache.readThrough('shop', shopScope(shopId), 'detail', CATALOG_CACHE_TTL_SECONDS, () => this.getShopUncached(shopId));
  }

  private async getShopUncached(shopId: string) {
    const shop = await this.repo.findShop(shopId);
    if (!shop || !shop.active) throw problems.notFound('La barbería');
    const [services, barbers] = await Promise.all([this.repo.listServices(shopId), this.repo.listBarbers(shopId)]);
    const priceFrom = services.filter((s) => s.active).reduce<number | null>((min, s) => (min === null ? s.price_cents : Math.min(min, s.price_cents)), null);
    return {
      ...toShopSummary({ ...shop, price_from: priceFrom }),
      description: shop.description,
      phone: shop.phone,
      cuit: shop.cuit,
      taxCondition: shop.tax_condition,
      policies: {
        cancellationCutoffMinutes: shop.cancellation_cutoff_minutes,
        holdMinutes: shop.hold_minutes,
        minNoticeMinutes: shop.min_notice_minutes,
        bookingHorizonDays: shop.booking_horizon_days,
        slotStepMinutes: shop.slot_step_minutes,
      },
      services: services.filter((s) => s.active).map(toService),
      barbers: barbers.filter((b) => b.active).map(toBarber),
    };
  }

  async createShop(principal: Principal, input: z.infer<typeof createShopBody>) {
    if (principal.role !== 'provider' && principal.role !== 'admin') throw problems.forbidden();
    const base = slugify(`${input.name} ${input.city}`) || 'barberia';
    let slug = base;
    for (let n = 2; await this.repo.slugExists(slug); n++) slug = `${base}-${n}`;
    const shop = await this.repo.createShop(principal.userId, {
      name: input.name,
      slug,
      description: input.description,
      cuit: input.cuit,
      tax_condition: input.taxCondition,
      address: input.address,
      city: input.city,
      province: input.province,
      region: input.region,
      timezone: input.timezone,
      latitude: input.latitude,
      longitude: input.longitude,
      phone: input.phone ?? null,
      ...this.policyColumns(input),
    });
    return this.getShop(shop.id);
  }

  async updateShop(principal: Principal, shopId: string, input: z.infer<typeof updateShopBody>) {
    await this.access.assertCanManage(principal, shopId); // an unknown shop is the 404 below
    const values = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.cuit !== undefined && { cuit: input.cuit }),
      ...(input.taxCondition !== undefined && { tax_condition: input.taxCondition }),
      ...(input.address !== undefined && { address: input.address }),
      ...(input.city !== undefined && { city: input.city }),
      ...(input.province !== undefined && { province: input.province }),
      ...(input.region !== undefined && { region: input.region }),
      ...(input.timezone !== undefined && { timezone: input.timezone }),
      ...(input.latitude !== undefined && { latitude: input.latitude }),
      ...(input.longitude !== undefined && { longitude: input.longitude }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...this.policyColumns(input),
    };
    const updated = await this.repo.updateShop(shopId, values);
    if (!updated) throw problems.notFound('La barbería');
    await this.changed(shopId);
    return this.getShop(shopId);
  }

  private policyColumns(input: Record<string, unknown>) {
    const out: Record<string, number> = {};
    for (const [key, column] of Object.entries(POLICY_COLUMNS)) {
      const value = input[key];
      if (typeof value === 'number') out[column] = value;
    }
    return out;
  }

  async listServicesForManagement(principal: Principal, shopId: string) {
    await this.member(principal, shopId);
    return (await this.repo.listServices(shopId)).map(toService);
  }

  async createService(principal: Principal, shopId: string, input: z.infer<typeof serviceBody>) {
    await this.canManage(principal, shopId);
    const service = await this.repo.insertService({
      shop_id: shopId,
      name: input.name,
      description: input.description,
      duration_minutes: input.durationMinutes,
      price_cents: input.priceCents,
      deposit_kind: input.deposit.kind,
      deposit_value: depositValue(input.deposit.kind, input.deposit.value),
      buffer_before_minutes: input.bufferBeforeMinutes,
      buffer_after_minutes: input.bufferAfterMinutes,
    });
    await this.changed(shopId);
    return toService(service);
  }

  async updateService(principal: Principal, shopId: string, serviceId: string, input: z.infer<typeof updateServiceBody>) {
    await this.canManage(principal, shopId);
    const current = await this.repo.findService(shopId, serviceId);
    if (!current) throw problems.notFound('El servicio');
    const price = input.priceCents ?? current.price_cents;
    const deposit = input.deposit ?? { kind: current.deposit_kind, value: current.deposit_value };
    if (deposit.kind === 'percent' && (deposit.value < 1 || deposit.value > 100))
      throw problems.validation([{ path: 'body.deposit.value', message: 'El porcentaje de seña va de 1 a 100.' }]);
    if (deposit.kind === 'fixed' && (deposit.value < 1 || deposit.value > price))
      throw problems.validation([{ path: 'body.deposit.value', message: 'La seña fija debe ser mayor a 0 y no superar el precio.' }]);
    const updated = await this.repo.updateService(shopId, serviceId, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.durationMinutes !== undefined && { duration_minutes: input.durationMinutes }),
      ...(input.priceCents !== undefined && { price_cents: input.priceCents }),
      ...(input.deposit !== undefined && { deposit_kind: input.deposit.kind, deposit_value: depositValue(input.deposit.kind, input.deposit.value) }),
      ...(input.bufferBeforeMinutes !== undefined && { buffer_before_minutes: input.bufferBeforeMinutes }),
      ...(input.bufferAfterMinutes !== undefined && { buffer_after_minutes: input.bufferAfterMinutes }),
      ...(input.active !== undefined && { active: input.active }),
    });
    if (!updated) throw problems.notFound('El servicio');
    await this.changed(shopId);
    return toService(updated);
  }

  private async assertOwnServices(shopId: string, serviceIds: readonly string[]): Promise<void> {
    const own = await this.repo.shopServiceIds(shopId, serviceIds);
    const foreign = serviceIds.findIndex((id) => !own.has(id));
    if (foreign >= 0)
      throw problems.validation([{ path: `body.serviceIds.${foreign}`, message: 'El servicio no pertenece a esta barbería.' }]);
  }

  async listBarbersForManagement(principal: Principal, shopId: string) {
    await this.member(principal, shopId);
    return (await this.repo.listBarbers(shopId)).map(toBarber);
  }

  /** The account a barber works under must exist and be able to log in to manage an agenda. */
  private async assertProviderAccount(userId: string): Promise<void> {
    if ((await this.repo.userRole(userId)) !== 'provider')
      throw problems.validation([{ path: 'body.userId', message: 'La cuenta no existe o no es de un profesional.' }]);
  }

  async createBarber(principal: Principal, shopId: string, input: z.infer<typeof barberBody>) {
    await this.canManage(principal, shopId);
    // A service listed twice is still one assignment (and would otherwise break the primary key).
    const serviceIds = [...new Set(input.serviceIds)];
    await this.assertOwnServices(shopId, serviceIds);
    if (input.userId) await this.assertProviderAccount(input.userId);
    const barber = await this.repo.insertBarber(
      { shop_id: shopId, display_name: input.displayName, bio: input.bio, user_id: input.userId ?? null },
      serviceIds,
    );
    await this.changed(shopId);
    return toBarber({ ...barber, service_ids: serviceIds.sort() });
  }

  async updateBarber(principal: Principal, shopId: string, barberId: string, input: z.infer<typeof updateBarberBody>) {
    await this.canManage(principal, shopId);
    const serviceIds = input.serviceIds && [...new Set(input.serviceIds)];
    if (serviceIds) await this.assertOwnServices(shopId, serviceIds);
    const updated = await this.repo.updateBarber(
      shopId,
      barberId,
      {
        ...(input.displayName !== undefined && { display_name: input.displayName }),
        ...(input.bio !== undefined && { bio: input.bio }),
        ...(input.active !== undefined && { active: input.active }),
      },
      serviceIds,
    );
    if (!updated) throw problems.notFound('El barbero');
    await this.changed(shopId);
    const barbers = await this.repo.listBarbers(shopId);
    return toBarber(barbers.find((b) => b.id === barberId)!);
  }

  /** Owners manage every barber; a barber manages only their own schedule. */
  private async assertCanEditSchedule(principal: Principal, shopId: string, barberId: string) {
    // No shop-existence check needed: a barber is only found within an existing shop.
    const role = await this.access.assertMember(principal, shopId);
    const barber = await this.repo.findBarber(shopId, barberId);
    if (!barber) throw problems.notFound('El barbero');
    if (role === 'barber' && barber.user_id !== principal.userId)
      throw problems.forbidden('Solo podés cambiar tu propia agenda.');
    return barber;
  }

  async getWeeklySchedule(principal: Principal, shopId: string, barberId: string) {
    await this.assertCanEditSchedule(principal, shopId, barberId);
    const rows = await this.repo.weeklySchedule(barberId);
    const pick = (kind: 'work' | 'break') =>
      rows
        .filter((r) => r.kind === kind)
        .map((r) => ({ weekday: r.weekday, start: minutesToWallTime(r.start_minute), end: minutesToWallTime(r.end_minute) }));
    return { hours: pick('work'), breaks: pick('break') };
  }

  async replaceWeeklySchedule(principal: Principal, shopId: string, barberId: string, input: z.infer<typeof weeklyScheduleSchema>) {
    await this.assertCanEditSchedule(principal, shopId, barberId);
    const toRows = (items: typeof input.hours, kind: 'work' | 'break') =>
      items.map((r) => ({ weekday: r.weekday, start_minute: wallTimeToMinutes(r.start), end_minute: wallTimeToMinutes(r.end), kind }));
    await this.repo.replaceWeeklySchedule(barberId, [...toRows(input.hours, 'work'), ...toRows(input.breaks, 'break')]);
    await this.changed(shopId);
    return this.getWeeklySchedule(principal, shopId, barberId);
  }

  async listOverrides(principal: Principal, shopId: string, barberId: string) {
    await this.assertCanEditSchedule(principal, shopId, barberId);
    const shop = await this.repo.findShop(shopId);
    if (!shop) throw problems.notFound('La barbería');
    // Override dates are the shop's calendar days; a UTC "today" would hide today's override
    // every evening from 21:00 in Argentina.
    const today = localDateOf(this.clock.now().getTime(), shop.timezone);
    return toOverrideGroups(await this.repo.listOverrides(barberId, today));
  }

  async setOverride(principal: Principal, shopId: string, barberId: string, input: z.infer<typeof overrideBody>) {
    await this.assertCanEditSchedule(principal, shopId, barberId);
    const rows = await this.repo.replaceOverride(
      barberId,
      input.date,
      input.ranges.map((r) => ({ start_minute: wallTimeToMinutes(r.start), end_minute: wallTimeToMinutes(r.end) })),
      input.note,
    );
    await this.changed(shopId);
    return toOverrideGroups(rows)[0]!;
  }

  async deleteOverride(principal: Principal, shopId: string, barberId: string, date: string) {
    await this.assertCanEditSchedule(principal, shopId, barberId);
    if (!(await this.repo.deleteOverride(barberId, date))) throw problems.notFound('La excepción de horario');
    await this.changed(shopId);
  }

  async listTimeOff(principal: Principal, shopId: string, barberId: string) {
    await this.assertCanEditSchedule(principal, shopId, barberId);
    return (await this.repo.listTimeOff(barberId, this.clock.now())).map(toTimeOff);
  }

  async addTimeOff(principal: Principal, shopId: string, barberId: string, input: z.infer<typeof timeOffBody>) {
    await this.assertCanEditSchedule(principal, shopId, barberId);
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    const row = await this.repo.insertTimeOff({ barber_id: barberId, starts_at: startsAt, ends_at: endsAt, reason: input.reason });
    // Existing bookings are kept (the shop decides whether to move them); the count tells it how many.
    const conflictingBookings = await this.repo.countLiveBookingsBetween(barberId, startsAt, endsAt);
    await this.changed(shopId);
    return { ...toTimeOff(row), conflictingBookings };
  }

  async deleteTimeOff(principal: Principal, shopId: string, barberId: string, timeOffId: string) {
    await this.assertCanEditSchedule(principal, shopId, barberId);
    if (!(await this.repo.deleteTimeOff(barberId, timeOffId))) throw problems.notFound('La ausencia');
    await this.changed(shopId);
  }
}

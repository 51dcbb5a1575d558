import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type {
  BarberDateOverridesTable,
  BarberTimeOffTable,
  BarberWeeklyHoursTable,
  BarbersTable,
  DB,
  ServicesTable,
  ShopsTable,
  Service,
  Shop,
  Barber,
} from '../../platform/db/schema.js';

export interface ShopSearch {
  city?: string | undefined;
  region?: string | undefined;
  q?: string | undefined;
  service?: string | undefined;
  page: number;
  pageSize: number;
}

export type ShopSearchRow = Shop & { price_from: number | null };
export interface CityRow {
  city: string;
  province: string;
  shops: number;
}
export type BarberWithServices = Barber & { service_ids: string[] };

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
}

export class CatalogRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async searchShops(search: ShopSearch): Promise<{ rows: ShopSearchRow[]; total: number }> {
    let query = this.db.selectFrom('shops').where('shops.active', '=', true);
    if (search.city) query = query.where(sql<boolean>`lower(shops.city) = ${search.city.toLowerCase()}`);
    if (search.region) query = query.where(sql<boolean>`lower(shops.region) = ${search.region.toLowerCase()}`);
    if (search.q) {
      const p = likePattern(search.q);
      query = query.where(sql<boolean>`(lower(shops.name) like ${p} or lower(shops.description) like ${p})`);
    }
    if (search.service) {
      const p = likePattern(search.service);
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('services')
            .select(sql`1`.as('one'))
            .whereRef('services.shop_id', '=', 'shops.id')
            .where('services.active', '=', true)
            .where(sql<boolean>`lower(services.name) like ${p}`),
        ),
      );
    }
    const [{ total } = { total: 0 }] = await query.select((eb) => eb.fn.countAll<number>().as('total')).execute();
    const rows = await query
      .selectAll('shops')
      .select((eb) =>
        eb
          .selectFrom('services')
          .select((e) => e.fn.min<number>('services.price_cents').as('p'))
          .whereRef('services.shop_id', '=', 'shops.id')
          .where('services.active', '=', true)
          .as('price_from'),
      )
      // Stable order for pagination: rating, then volume of reviews, then id as the tie-breaker.
      .orderBy(sql`shops.rating_avg desc nulls last`)
      .orderBy('shops.rating_count', 'desc')
      .orderBy('shops.id')
      .limit(search.pageSize)
      .offset((search.page - 1) * search.pageSize)
      .execute();
    return { rows: rows as ShopSearchRow[], total: Number(total) };
  }

  /**
   * Cities with open shops. Search matches cities case-insensitively, so they are grouped the
   * same way and shown with the spelling most of their shops use.
   */
  async listCities(): Promise<CityRow[]> {
    const rows = await this.db
      .selectFrom('shops')
      .where('active', '=', true)
      .select([
        sql<string>`mode() within group (order by city)`.as('city'),
        sql<string>`mode() within group (order by province)`.as('province'),
        (eb) => eb.fn.countAll<number>().as('shops'),
      ])
      .groupBy(sql`lower(city)`)
      .orderBy(sql`count(*) desc`)
      .orderBy(sql`lower(city)`)
      .execute();
    return rows.map((r) => ({ city: r.city, province: r.province, shops: Number(r.shops) }));
  }

  findShop(shopId: string, db: Kysely<DB> | Transaction<DB> = this.db): Promise<Shop | undefined> {
    return db.selectFrom('shops').selectAll().where('id', '=', shopId).executeTakeFirst();
  }

  listServices(shopId: string): Promise<Service[]> {
    return this.db.selectFrom('services').selectAll().where('shop_id', '=', shopId).orderBy('price_cents').orderBy('name').execute();
  }

  findService(shopId: string, serviceId: string): Promise<Service | undefined> {
    return this.db.selectFrom('services').selectAll().where('shop_id', '=', shopId).where('id', '=', serviceId).executeTakeFirst();
  }

  async listBarbers(shopId: string): Promise<BarberWithServices[]> {
    const rows = await this.db
      .selectFrom('barbers')
      .selectAll('barbers')
      .select(
        sql<string[]>`coalesce((select array_agg(bs.service_id::text order by bs.service_id) from barber_services bs where bs.barber_id = barbers.id), '{}')`.as(
          'service_ids',
        ),
      )
      .where('shop_id', '=', shopId)
      .orderBy('display_name')
      .execute();
    return rows;
  }

  findBarber(shopId: string, barberId: string): Promise<Barber | undefined> {
    return this.db.selectFrom('barbers').selectAll().where('shop_id', '=', shopId).where('id', '=', barberId).executeTakeFirst();
  }

  async membership(userId: string, shopId: string): Promise<'owner' | 'barber' | undefined> {
    const row = await this.db
      .selectFrom('shop_members')
      .select('role')
      .where('user_id', '=', userId)
      .where('shop_id', '=', shopId)
      .executeTakeFirst();
    return row?.role;
  }

  async userRole(userId: string): Promise<'customer' | 'provider' | 'admin' | undefined> {
    return (await this.db.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst())?.role;
  }

  async createShop(ownerId: string, values: Insertable<ShopsTable>): Promise<Shop> {
    return this.db.transaction().execute(async (trx) => {
      const shop = await trx.insertInto('shops').values(values).returningAll().executeTakeFirstOrThrow();
      await trx.insertInto('shop_members').values({ shop_id: shop.id, user_id: ownerId, role: 'owner' }).execute();
      return shop;
    });
  }

  async slugExists(slug: string): Promise<boolean> {
    return !!(await this.db.selectFrom('shops').select('id').where('slug', '=', slug).executeTakeFirst());
  }

  updateShop(shopId: string, values: Updateable<ShopsTable>): Promise<Shop | undefined> {
    return this.db
      .updateTable('shops')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', shopId)
      .returningAll()
      .executeTakeFirst();
  }

  insertService(values: Insertable<ServicesTable>): Promise<Service> {
    return this.db.insertInto('services').values(values).returningAll().executeTakeFirstOrThrow();
  }

  updateService(shopId: string, serviceId: string, values: Updateable<ServicesTable>): Promise<Service | undefined> {
    // An empty PATCH changes nothing: answer with the service as it is (an UPDATE needs a SET).
    if (Object.keys(values).length === 0) return this.findService(shopId, serviceId);
    return this.db
      .updateTable('services')
      .set(values)
      .where('shop_id', '=', shopId)
      .where('id', '=', serviceId)
      .returningAll()
      .executeTakeFirst();
  }

  /** Service ids that belong to the shop, to refuse assigning another shop's service. */
  async shopServiceIds(shopId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('services').select('id').where('shop_id', '=', shopId).where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  async insertBarber(values: { shop_id: string; display_name: string; bio: string; user_id: string | null }, serviceIds: readonly string[]): Promise<Barber> {
    return this.db.transaction().execute(async (trx) => {
      const barber = await trx.insertInto('barbers').values(values).returningAll().executeTakeFirstOrThrow();
      if (serviceIds.length > 0)
        await trx.insertInto('barber_services').values(serviceIds.map((service_id) => ({ barber_id: barber.id, service_id }))).execute();
      if (values.user_id)
        await trx
          .insertInto('shop_members')
          .values({ shop_id: values.shop_id, user_id: values.user_id, role: 'barber' })
          .onConflict((oc) => oc.columns(['shop_id', 'user_id']).doNothing())
          .execute();
      return barber;
    });
  }

  async updateBarber(
    shopId: string,
    barberId: string,
    values: Updateable<BarbersTable>,
    serviceIds: readonly string[] | undefined,
  ): Promise<Barber | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const query = trx.updateTable('barbers').where('shop_id', '=', shopId).where('id', '=', barberId);
      const barber =
        Object.keys(values).length > 0
          ? await query.set(values).returningAll().executeTakeFirst()
          : await trx.selectFrom('barbers').selectAll().where('shop_id', '=', shopId).where('id', '=', barberId).executeTakeFirst();
      if (!barber) return undefined;
      if (serviceIds) {
        await trx.deleteFrom('barber_services').where('barber_id', '=', barberId).execute();
        if (serviceIds.length > 0)
          await trx.insertInto('barber_services').values(serviceIds.map((service_id) => ({ barber_id: barberId, service_id }))).execute();
      }
      return barber;
    });
  }

  weeklySchedule(barberId: string): Promise<Array<Selectable<BarberWeeklyHoursTable>>> {
    return this.db
      .selectFrom('barber_weekly_hours')
      .selectAll()
      .where('barber_id', '=', barberId)
      .orderBy('weekday')
      .orderBy('start_minute')
      .execute();
  }

  async replaceWeeklySchedule(
    barberId: string,
    rows: Array<{ weekday: number; start_minute: number; end_minute: number; kind: 'work' | 'break' }>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('barber_weekly_hours').where('barber_id', '=', barberId).execute();
      if (rows.length > 0) await trx.insertInto('barber_weekly_hours').values(rows.map((r) => ({ ...r, barber_id: barberId }))).execute();
    });
  }

  listOverrides(barberId: string, fromDate: string): Promise<Array<Selectable<BarberDateOverridesTable>>> {
    return this.db
      .selectFrom('barber_date_overrides')
      .selectAll()
      .where('barber_id', '=', barberId)
      .where('on_date', '>=', fromDate)
      .orderBy('on_date')
      .orderBy('start_minute')
      .execute();
  }

  /** An override replaces the whole day, so saving one replaces any earlier one for that date. */
  async replaceOverride(
    barberId: string,
    date: string,
    ranges: Array<{ start_minute: number; end_minute: number }>,
    note: string,
  ): Promise<Array<Selectable<BarberDateOverridesTable>>> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('barber_date_overrides').where('barber_id', '=', barberId).where('on_date', '=', date).execute();
      const values =
        ranges.length > 0
          ? ranges.map((r) => ({ barber_id: barberId, on_date: date, ...r, note }))
          : [{ barber_id: barberId, on_date: date, start_minute: null, end_minute: null, note }];
      return trx.insertInto('barber_date_overrides').values(values).returningAll().execute();
    });
  }

  async deleteOverride(barberId: string, date: string): Promise<boolean> {
    const result = await this.db.deleteFrom('barber_date_overrides').where('barber_id', '=', barberId).where('on_date', '=', date).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  listTimeOff(barberId: string, from: Date): Promise<Array<Selectable<BarberTimeOffTable>>> {
    return this.db
      .selectFrom('barber_time_off')
      .selectAll()
      .where('barber_id', '=', barberId)
      .where('ends_at', '>', from)
      .orderBy('starts_at')
      .execute();
  }

  insertTimeOff(values: { barber_id: string; starts_at: Date; ends_at: Date; reason: string }): Promise<Selectable<BarberTimeOffTable>> {
    return this.db.insertInto('barber_time_off').values(values).returningAll().executeTakeFirstOrThrow();
  }

  async deleteTimeOff(barberId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('barber_time_off').where('barber_id', '=', barberId).where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async countLiveBookingsBetween(barberId: string, from: Date, to: Date): Promise<number> {
    const row = await this.db
      .selectFrom('bookings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('barber_id', '=', barberId)
      .where('status', 'in', ['pending', 'confirmed'])
      .where('starts_at', '<', to)
      .where('ends_at', '>', from)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}

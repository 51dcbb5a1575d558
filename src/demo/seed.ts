import type { Kysely } from 'kysely';
import type { DB, DepositKind, TaxCondition } from '../platform/db/schema.js';
import { hashPassword } from '../modules/accounts/passwords.js';
import { cuitCheckDigit } from '../modules/catalog/cuit.js';
import { slugify } from '../modules/catalog/service.js';
import { signUpConsents } from '../modules/privacy/legal-texts.js';

/**
 * Demo data for the embedded default: shops in the four launch cities, with barbers,
 * services in ARS and weekly hours, plus one account per role (documented in the README).
 * Seeding is idempotent: it does nothing when the demo admin already exists.
 */
export const DEMO_PASSWORD = 'barberpro-demo';
export const DEMO_ACCOUNTS = {
  customer: 'cliente@demo.barberpro.ar',
  provider: 'duenio@demo.barberpro.ar',
  admin: 'admin@demo.barberpro.ar',
} as const;

interface DemoShop {
  name: string;
  city: string;
  province: string;
  region: string;
  address: string;
  latitude: number;
  longitude: number;
  taxCondition: TaxCondition;
  cuitBody: string;
  barbers: string[];
  /** Opening hours Monday–Saturday, with a lunch break. */
  open: [number, number];
  lunch: [number, number] | null;
  services: Array<{ name: string; minutes: number; pesos: number; deposit?: [DepositKind, number]; bufferAfter?: number }>;
}

const CLASSIC_SERVICES: DemoShop['services'] = [
  { name: 'Corte de pelo', minutes: 30, pesos: 12_000 },
  { name: 'Corte y barba', minutes: 45, pesos: 17_500, deposit: ['percent', 30] },
  { name: 'Perfilado de barba', minutes: 20, pesos: 7_000 },
  { name: 'Afeitado clásico con toalla caliente', minutes: 40, pesos: 14_000, bufferAfter: 10 },
  { name: 'Corte infantil', minutes: 25, pesos: 9_000 },
];

const SHOPS: DemoShop[] = [
  {
    name: 'Barbería Don Julio',
    city: 'Buenos Aires',
    province: 'Ciudad Autónoma de Buenos Aires',
    region: 'AMBA',
    address: 'Av. Corrientes 1847, Balvanera',
    latitude: -34.6045,
    longitude: -58.3934,
    taxCondition: 'responsable_inscripto',
    cuitBody: '3071234567',
    barbers: ['Julio', 'Matías', 'Santiago'],
    open: [10 * 60, 20 * 60],
    lunch: [14 * 60, 15 * 60],
    services: CLASSIC_SERVICES,
  },
  {
    name: 'El Barbero de Palermo',
    city: 'Buenos Aires',
    province: 'Ciudad Autónoma de Buenos Aires',
    region: 'AMBA',
    address: 'Honduras 5120, Palermo',
    latitude: -34.5875,
    longitude: -58.4301,
    taxCondition: 'monotributo',
    cuitBody: '2033445566',
    barbers: ['Nico', 'Tomás'],
    open: [11 * 60, 21 * 60],
    lunch: null,
    services: [
      { name: 'Corte fade', minutes: 40, pesos: 15_000, deposit: ['fixed', 3_000] },
      { name: 'Corte y barba', minutes: 60, pesos: 21_000, deposit: ['fixed', 5_000] },
      { name: 'Diseño de barba', minutes: 30, pesos: 9_500 },
    ],
  },
  {
    name: 'Barbería La Cañada',
    city: 'Córdoba',
    province: 'Córdoba',
    region: 'Centro',
    address: 'Bv. San Juan 455, Nueva Córdoba',
    latitude: -31.4235,
    longitude: -64.1887,
    taxCondition: 'monotributo',
    cuitBody: '2027654321',
    barbers: ['Facundo', 'Agustín'],
    open: [9 * 60, 19 * 60],
    lunch: [13 * 60, 14 * 60],
    services: CLASSIC_SERVICES.slice(0, 4).map((s) => ({ ...s, pesos: Math.round(s.pesos * 0.85) })),
  },
  {
    name: 'Güemes Barber Club',
    city: 'Córdoba',
    province: 'Córdoba',
    region: 'Centro',
    address: 'Belgrano 780, Barrio Güemes',
    latitude: -31.4271,
    longitude: -64.1915,
    taxCondition: 'responsable_inscripto',
    cuitBody: '3070011223',
    barbers: ['Lautaro', 'Bruno', 'Emiliano'],
    open: [10 * 60, 20 * 60],
    lunch: [14 * 60, 14 * 60 + 30],
    services: CLASSIC_SERVICES,
  },
  {
    name: 'Barbería del Monumento',
    city: 'Rosario',
    province: 'Santa Fe',
    region: 'Litoral',
    address: 'Córdoba 1450, Centro',
    latitude: -32.9468,
    longitude: -60.6393,
    taxCondition: 'monotributo',
    cuitBody: '2031122334',
    barbers: ['Gonzalo', 'Franco'],
    open: [9 * 60, 19 * 60],
    lunch: [13 * 60, 14 * 60],
    services: CLASSIC_SERVICES.map((s) => ({ ...s, pesos: Math.round(s.pesos * 0.9) })),
  },
  {
    name: 'Pichincha Barbershop',
    city: 'Rosario',
    province: 'Santa Fe',
    region: 'Litoral',
    address: 'Jujuy 2100, Pichincha',
    latitude: -32.9389,
    longitude: -60.6573,
    taxCondition: 'responsable_inscripto',
    cuitBody: '3071999888',
    barbers: ['Ignacio', 'Martín', 'Joaquín'],
    open: [10 * 60, 20 * 60],
    lunch: null,
    services: [
      { name: 'Corte de pelo', minutes: 30, pesos: 11_000 },
      { name: 'Corte y barba', minutes: 50, pesos: 16_000, deposit: ['percent', 25] },
      { name: 'Color y corte', minutes: 90, pesos: 32_000, deposit: ['full', 0] },
    ],
  },
  {
    name: 'Barbería Los Andes',
    city: 'Mendoza',
    province: 'Mendoza',
    region: 'Cuyo',
    address: 'Av. Arístides Villanueva 350',
    latitude: -32.8895,
    longitude: -68.8458,
    taxCondition: 'monotributo',
    cuitBody: '2029988776',
    barbers: ['Diego', 'Federico'],
    open: [9 * 60 + 30, 19 * 60 + 30],
    lunch: [13 * 60 + 30, 16 * 60],
    services: CLASSIC_SERVICES.slice(0, 3).map((s) => ({ ...s, pesos: Math.round(s.pesos * 0.8) })),
  },
  {
    name: 'Malbec Barber',
    city: 'Mendoza',
    province: 'Mendoza',
    region: 'Cuyo',
    address: 'Sarmiento 640, Ciudad',
    latitude: -32.8903,
    longitude: -68.8406,
    taxCondition: 'monotributo',
    cuitBody: '2740506070',
    barbers: ['Valentina', 'Lucas'],
    open: [10 * 60, 20 * 60],
    lunch: [14 * 60, 15 * 60],
    services: CLASSIC_SERVICES,
  },
];

/**
 * What the demo shops print on their invoices (razón social, Ingresos Brutos, inicio de
 * actividades). Their AFIP certificates come from the local AFIP sandbox's CA, so they are
 * issued when the embedded server starts it (src/cli/embedded-afip.ts), not here.
 */
export function demoFiscalProfile(shopName: string): { businessName: string; grossIncomeRegistration: string; activityStartDate: string } {
  return { businessName: `${shopName} (demo)`, grossIncomeRegistration: 'Conv. Multilateral 901-000000-0', activityStartDate: '2019-03-01' };
}

/** A valid CUIT for a body; bodies whose check digit would be 10 take the next body. */
function demoCuit(body: string): string {
  for (let n = Number(body); ; n++) {
    const candidate = String(n).padStart(10, '0');
    const digit = cuitCheckDigit(candidate);
    if (digit !== null) return candidate + digit;
  }
}

export async function seedDemoData(db: Kysely<DB>): Promise<{ created: boolean; shops: number }> {
  const existing = await db.selectFrom('users').select('id').where('email', '=', DEMO_ACCOUNTS.admin).executeTakeFirst();
  if (existing) return { created: false, shops: 0 };
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  await db.transaction().execute(async (trx) => {
    // Demo accounts accepted the current terms and privacy notice as at sign-up (no marketing),
    // so trying the demo does not start with the "accept the new terms" banner.
    const insertUser = async (email: string, fullName: string, role: 'customer' | 'provider' | 'admin', phone: string | null = null) => {
      const user = await trx.insertInto('users').values({ email, password_hash: passwordHash, full_name: fullName, role, phone }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('consents').values(signUpConsents(user.id, new Date(), false)).execute();
      return user;
    };

    await insertUser(DEMO_ACCOUNTS.admin, 'Operaciones BarberPro', 'admin');
    await insertUser(DEMO_ACCOUNTS.customer, 'Lucía Fernández', 'customer', '+54 9 11 5555-0101');
    const provider = await insertUser(DEMO_ACCOUNTS.provider, 'Julio Benítez', 'provider', '+54 9 11 5555-0202');

    for (const [index, demo] of SHOPS.entries()) {
      const owner = index === 0 ? provider : await insertUser(`owner${index + 1}@demo.barberpro.ar`, `Dueño ${demo.name}`, 'provider');
      const shop = await trx
        .insertInto('shops')
        .values({
          name: demo.name,
          slug: slugify(`${demo.name} ${demo.city}`),
          description: `${demo.name}: cortes clásicos y modernos en ${demo.city}.`,
          cuit: demoCuit(demo.cuitBody),
          tax_condition: demo.taxCondition,
          address: demo.address,
          city: demo.city,
          province: demo.province,
          region: demo.region,
          latitude: demo.latitude,
          longitude: demo.longitude,
          phone: '+54 9 11 4000-0000',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('shop_members').values({ shop_id: shop.id, user_id: owner.id, role: 'owner' }).execute();
      await trx
        .insertInto('services')
        .values(
          demo.services.map((s) => ({
            shop_id: shop.id,
            name: s.name,
            duration_minutes: s.minutes,
            price_cents: s.pesos * 100,
            deposit_kind: s.deposit?.[0] ?? 'none',
            deposit_value: s.deposit ? (s.deposit[0] === 'fixed' ? s.deposit[1] * 100 : s.deposit[1]) : 0,
            buffer_after_minutes: s.bufferAfter ?? 0,
          })),
        )
        .execute();
      for (const name of demo.barbers) {
        const barber = await trx.insertInto('barbers').values({ shop_id: shop.id, display_name: name }).returning('id').executeTakeFirstOrThrow();
        const rows = [1, 2, 3, 4, 5, 6].flatMap((weekday) => [
          { barber_id: barber.id, weekday, start_minute: demo.open[0], end_minute: demo.open[1], kind: 'work' as const },
          ...(demo.lunch ? [{ barber_id: barber.id, weekday, start_minute: demo.lunch[0], end_minute: demo.lunch[1], kind: 'break' as const }] : []),
        ]);
        await trx.insertInto('barber_weekly_hours').values(rows).execute();
      }
    }
  });
  return { created: true, shops: SHOPS.length };
}

import { z } from 'zod';
import { moneySchema, uuid } from '../../platform/http/schemas.js';
import { isValidCuit, normalizeCuit } from './cuit.js';

export const ianaTimezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz.includes('/');
    } catch {
      return false;
    }
  },
  { message: 'Zona horaria IANA desconocida (ej. America/Argentina/Buenos_Aires).' },
);

export const cuitSchema = z
  .string()
  .transform(normalizeCuit)
  .refine(isValidCuit, { message: 'CUIT inválido: revisá los 11 dígitos y el dígito verificador.' });

export const taxConditionSchema = z.enum(['monotributo', 'responsable_inscripto']);

/** Wall-clock time "HH:MM" in the shop's timezone; "24:00" is the end of the day. */
export const wallTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'Hora inválida: usá HH:MM de 00:00 a 24:00.' });

export function wallTimeToMinutes(value: string): number {
  const [h, m] = value.split(':').map(Number);
  return h! * 60 + m!;
}

export function minutesToWallTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export const searchQuery = z
  .object({
    city: z.string().trim().min(1).max(80).optional(),
    region: z.string().trim().min(1).max(80).optional(),
    q: z.string().trim().min(1).max(80).optional(),
    service: z.string().trim().min(1).max(80).optional(),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();

export const ratingSchema = z.object({ average: z.number().nullable(), count: z.number().int() });

export const shopSummarySchema = z.object({
  id: uuid,
  slug: z.string(),
  name: z.string(),
  address: z.string(),
  city: z.string(),
  province: z.string(),
  region: z.string(),
  timezone: z.string(),
  location: z.object({ latitude: z.number(), longitude: z.number() }),
  rating: ratingSchema,
  priceFrom: moneySchema.nullable(),
});

export const citiesSchema = z.object({
  items: z.array(
    z.object({
      city: z.string(),
      province: z.string(),
      shops: z.number().int().describe('Open shops in this city'),
    }),
  ),
});

export const searchResultSchema = z.object({
  items: z.array(shopSummarySchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export const depositSchema = z.object({
  kind: z.enum(['none', 'fixed', 'percent', 'full']),
  value: z.number().int().describe('centavos for fixed, percent for percent, 0 otherwise'),
  amount: moneySchema.describe('What the customer pays upfront'),
});

export const serviceSchema = z.object({
  id: uuid,
  name: z.string(),
  description: z.string(),
  durationMinutes: z.number().int(),
  price: moneySchema,
  deposit: depositSchema,
  bufferBeforeMinutes: z.number().int(),
  bufferAfterMinutes: z.number().int(),
  active: z.boolean(),
});

export const barberSchema = z.object({
  id: uuid,
  displayName: z.string(),
  bio: z.string(),
  active: z.boolean(),
  serviceIds: z.array(uuid).describe('Services this barber performs; empty means all'),
});

export const policiesSchema = z.object({
  cancellationCutoffMinutes: z.number().int(),
  holdMinutes: z.number().int(),
  minNoticeMinutes: z.number().int(),
  bookingHorizonDays: z.number().int(),
  slotStepMinutes: z.number().int(),
});

export const shopDetailSchema = shopSummarySchema.extend({
  description: z.string(),
  phone: z.string().nullable(),
  cuit: z.string(),
  taxCondition: taxConditionSchema,
  policies: policiesSchema,
  services: z.array(serviceSchema),
  barbers: z.array(barberSchema),
});

const policiesInput = {
  cancellationCutoffMinutes: z.number().int().min(0).max(20_160),
  holdMinutes: z.number().int().min(1).max(120),
  minNoticeMinutes: z.number().int().min(0).max(43_200),
  bookingHorizonDays: z.number().int().min(1).max(365),
  slotStepMinutes: z.number().int().min(5).max(240),
};

const shopFields = {
  name: z.string().trim().min(2).max(120),
  description: z.string().max(2000),
  cuit: cuitSchema,
  taxCondition: taxConditionSchema,
  address: z.string().trim().min(3).max(200),
  city: z.string().trim().min(2).max(80),
  province: z.string().trim().min(2).max(80),
  region: z.string().trim().min(2).max(80),
  timezone: ianaTimezone,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  phone: z.string().regex(/^\+?[0-9 ()-]{8,20}$/).optional(),
  ...Object.fromEntries(Object.entries(policiesInput).map(([k, v]) => [k, v.optional()])),
};

export const createShopBody = z
  .object({
    ...shopFields,
    description: shopFields.description.default(''),
    timezone: shopFields.timezone.default('America/Argentina/Buenos_Aires'),
  })
  .strict();

// Built from the fields without defaults: Zod 4 applies a default even inside .partial(),
// which would silently reset the description and timezone on every PATCH that omits them.
export const updateShopBody = z.object(shopFields).partial().strict();

const depositInput = z
  .object({ kind: z.enum(['none', 'fixed', 'percent', 'full']), value: z.number().int().min(0).default(0) })
  .strict();

export const serviceBody = z
  .object({
    name: z.string().trim().min(2).max(80),
    description: z.string().max(1000).default(''),
    durationMinutes: z.number().int().min(5).max(480),
    priceCents: z.number().int().min(0).max(100_000_000_00),
    deposit: depositInput.default({ kind: 'none', value: 0 }),
    bufferBeforeMinutes: z.number().int().min(0).max(120).default(0),
    bufferAfterMinutes: z.number().int().min(0).max(120).default(0),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.deposit.kind === 'percent' && (s.deposit.value < 1 || s.deposit.value > 100))
      ctx.addIssue({ code: 'custom', path: ['deposit', 'value'], message: 'El porcentaje de seña va de 1 a 100.' });
    if (s.deposit.kind === 'fixed' && (s.deposit.value < 1 || s.deposit.value > s.priceCents))
      ctx.addIssue({ code: 'custom', path: ['deposit', 'value'], message: 'La seña fija debe ser mayor a 0 y no superar el precio.' });
  });

export const updateServiceBody = z
  .object({
    name: z.string().trim().min(2).max(80),
    description: z.string().max(1000),
    durationMinutes: z.number().int().min(5).max(480),
    priceCents: z.number().int().min(0).max(100_000_000_00),
    deposit: depositInput,
    bufferBeforeMinutes: z.number().int().min(0).max(120),
    bufferAfterMinutes: z.number().int().min(0).max(120),
    active: z.boolean(),
  })
  .partial()
  .strict();

export const barberBody = z
  .object({
    displayName: z.string().trim().min(1).max(80),
    bio: z.string().max(1000).default(''),
    userId: uuid.optional().describe('A provider account that works as this barber'),
    serviceIds: z.array(uuid).max(100).default([]),
  })
  .strict();

export const updateBarberBody = z
  .object({
    displayName: z.string().trim().min(1).max(80),
    bio: z.string().max(1000),
    active: z.boolean(),
    serviceIds: z.array(uuid).max(100),
  })
  .partial()
  .strict();

const wallRange = z
  .object({ start: wallTime, end: wallTime })
  .strict()
  .refine((r) => wallTimeToMinutes(r.start) < wallTimeToMinutes(r.end), { message: 'El inicio debe ser anterior al fin.' });

export const weeklyScheduleSchema = z
  .object({
    hours: z.array(wallRange.and(z.object({ weekday: z.number().int().min(0).max(6) }))).max(70),
    breaks: z.array(wallRange.and(z.object({ weekday: z.number().int().min(0).max(6) }))).max(70),
  })
  .describe('weekday: 0 = domingo … 6 = sábado; times are wall-clock in the shop timezone');

export const overrideBody = z
  .object({
    date: z.iso.date(),
    ranges: z.array(wallRange).max(10).describe('Working ranges that day; empty = closed'),
    note: z.string().max(200).default(''),
  })
  .strict();

export const overrideSchema = z.object({ id: uuid, date: z.string(), ranges: z.array(z.object({ start: wallTime, end: wallTime })), note: z.string() });

export const timeOffBody = z
  .object({
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    reason: z.string().max(200).default(''),
  })
  .strict()
  .refine((t) => new Date(t.startsAt) < new Date(t.endsAt), { message: 'El inicio debe ser anterior al fin.', path: ['endsAt'] });

export const timeOffSchema = z.object({ id: uuid, startsAt: z.string(), endsAt: z.string(), reason: z.string() });

export const shopParams = z.object({ shopId: uuid }).strict();
export const serviceParams = z.object({ shopId: uuid, serviceId: uuid }).strict();
export const barberParams = z.object({ shopId: uuid, barberId: uuid }).strict();

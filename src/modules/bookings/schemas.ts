import { z } from 'zod';
import { instant, localDate, moneySchema, uuid } from '../../platform/http/schemas.js';
import { slotSchema } from '../availability/schemas.js';

export const bookingStatusSchema = z.enum(['pending', 'confirmed', 'completed', 'no_show', 'cancelled', 'expired']);

export const createBookingBody = z
  .object({
    shopId: uuid,
    serviceId: uuid,
    start: instant,
    barberId: uuid.optional().describe('Omit for "any barber"'),
    note: z.string().max(500).default(''),
  })
  .strict();

export const rescheduleBody = z
  .object({ start: instant, barberId: uuid.optional().describe('Omit to keep the barber if free, else any barber') })
  .strict();

export const cancelBody = z.object({ reason: z.string().trim().max(500).optional() }).strict().default({});

export const reviewBody = z
  .object({ rating: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).default('') })
  .strict();

export const bookingParams = z.object({ id: uuid }).strict();

export const listBookingsQuery = z
  .object({
    status: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(bookingStatusSchema))
      .optional()
      .describe('Comma-separated statuses'),
    from: localDate.optional().describe('Appointments starting on or after this Argentine date'),
    to: localDate.optional().describe('Appointments starting on or before this Argentine date'),
    shopId: uuid.optional(),
    barberId: uuid.optional(),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const bookingSchema = z.object({
  id: uuid,
  status: bookingStatusSchema,
  shopId: uuid,
  shopName: z.string(),
  timezone: z.string(),
  barberId: uuid,
  barberName: z.string(),
  serviceId: uuid,
  serviceName: z.string(),
  customer: z.object({ id: uuid, fullName: z.string() }),
  start: z.string(),
  end: z.string(),
  price: moneySchema,
  deposit: moneySchema,
  holdExpiresAt: z.string().nullable(),
  note: z.string(),
  cancellation: z
    .object({ at: z.string(), byCustomer: z.boolean(), reason: z.string().nullable(), late: z.boolean() })
    .nullable(),
  rescheduleCount: z.number().int(),
  reviewed: z.boolean(),
  createdAt: z.string(),
});

export const bookingListSchema = z.object({
  items: z.array(bookingSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export const slotTakenSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.literal(409),
    code: z.string(),
    detail: z.string().optional(),
    alternatives: z.array(slotSchema).optional(),
  })
  .catchall(z.unknown());

export const reviewSchema = z.object({
  id: uuid,
  rating: z.number().int(),
  comment: z.string(),
  barberId: uuid,
  barberName: z.string(),
  customerName: z.string().describe('First name and initial only'),
  createdAt: z.string(),
});

export type BookingDto = z.infer<typeof bookingSchema>;

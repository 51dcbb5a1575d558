import { z } from 'zod';
import { localDate, uuid } from '../../platform/http/schemas.js';

export const availabilityQuery = z
  .object({
    serviceId: uuid,
    from: localDate,
    to: localDate,
    barberId: uuid.optional().describe('Omit for "any barber"'),
  })
  .strict();

export const slotSchema = z.object({
  start: z.string().describe('ISO-8601 with the shop’s UTC offset'),
  end: z.string(),
  barberId: uuid,
  availableBarberIds: z.array(uuid),
});

export const availabilitySchema = z.object({
  shopId: uuid,
  serviceId: uuid,
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  barberId: uuid.nullable(),
  durationMinutes: z.number().int(),
  slots: z.array(slotSchema),
});

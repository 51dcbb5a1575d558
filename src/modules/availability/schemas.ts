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

// Response ids are our own uuids: documented as such, not re-validated by regex for every
// one of the thousands of slots a long range returns.
const responseId = z.string().meta({ format: 'uuid' });

export const slotSchema = z.object({
  start: z.string().describe('ISO-8601 with the shop’s UTC offset'),
  end: z.string(),
  barberId: responseId,
  availableBarberIds: z.array(responseId),
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

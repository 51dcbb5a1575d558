import { z } from 'zod';
import { localDate, moneySchema, uuid } from '../../platform/http/schemas.js';

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

/** The provider's agenda and utilization cover at most this many days per request. */
export const MAX_AGENDA_DAYS = 42;

export const agendaQuery = z
  .object({
    from: localDate.describe('First local date (shop timezone)'),
    to: localDate.describe('Last local date, inclusive; at most 42 days after from'),
    barberId: uuid.optional().describe('Only this barber'),
  })
  .strict();

const span = z.object({ start: z.string().describe('ISO-8601 with the shop’s UTC offset'), end: z.string() });

export const agendaSchema = z.object({
  shopId: uuid,
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  barbers: z.array(z.object({ id: uuid, displayName: z.string() })),
  days: z.array(
    z.object({
      date: z.string(),
      barberId: uuid,
      working: z.array(span).describe('Working time: weekly hours minus breaks, or the date override'),
      breaks: z.array(span),
      override: z.boolean().describe('A date override decided this day'),
    }),
  ),
  timeOff: z.array(span.extend({ id: uuid, barberId: uuid, reason: z.string() })),
  bookings: z.array(
    span.extend({
      id: uuid,
      barberId: uuid,
      status: z.enum(['pending', 'confirmed', 'completed', 'no_show']).describe('pending = a hold waiting for the deposit'),
      serviceName: z.string(),
      customerFirstName: z.string(),
      price: moneySchema,
      deposit: moneySchema,
      holdExpiresAt: z.string().nullable(),
      note: z.string(),
    }),
  ),
});

export const utilizationQuery = z.object({ from: localDate, to: localDate }).strict();

const utilizationFigures = z.object({
  availableMinutes: z.number().describe('Working time minus time off'),
  bookedMinutes: z.number().describe('Confirmed, completed and no-show bookings inside the available time'),
  ratio: z.number().nullable().describe('booked / available; null without available time'),
});

export const utilizationSchema = z.object({
  shopId: uuid,
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  band: z.object({ low: z.number(), high: z.number() }).describe('The runbook’s optimal range (75–85%)'),
  barbers: z.array(z.object({ id: uuid, displayName: z.string() }).extend(utilizationFigures.shape)),
  days: z.array(z.object({ date: z.string() }).extend(utilizationFigures.shape).extend({ barbers: z.array(z.object({ barberId: uuid }).extend(utilizationFigures.shape)) })),
  total: utilizationFigures,
});

import { z } from 'zod';

export const uuid = z.uuid({ message: 'Debe ser un identificador válido (UUID).' });
export const localDate = z.iso.date({ message: 'Debe ser una fecha AAAA-MM-DD.' });
/** An instant with an explicit offset, e.g. 2026-12-01T10:00:00-03:00. */
export const instant = z.iso.datetime({ offset: true, message: 'Debe ser una fecha y hora ISO-8601 con zona (ej. 2026-12-01T10:00:00-03:00).' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .describe('RFC 9457 problem details');

/** The error responses every authenticated route can give. */
export const authErrors = { 401: problemSchema, 403: problemSchema } as const;

export const moneySchema = z.object({
  amountCents: z.number().int().describe('Integer centavos'),
  currency: z.literal('ARS'),
});

export function money(amountCents: number): z.infer<typeof moneySchema> {
  return { amountCents, currency: 'ARS' };
}

export const idempotencyKeyHeader = z
  .object({
    'idempotency-key': z.string().min(1).max(255).optional(),
  })
  .describe('Retrying a POST with the same Idempotency-Key returns the first answer instead of acting twice.');

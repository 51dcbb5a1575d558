import { z } from 'zod';
import { localDate, uuid } from '../../platform/http/schemas.js';

const email = z.email({ message: 'Ingresá un email válido.' }).max(254).transform((e) => e.toLowerCase());
const password = z
  .string()
  .min(10, { message: 'La contraseña debe tener al menos 10 caracteres.' })
  .max(256, { message: 'La contraseña es demasiado larga.' });

export const registerBody = z
  .object({
    email,
    password,
    fullName: z.string().trim().min(2).max(120),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{8,20}$/, { message: 'Ingresá un teléfono válido, ej. +54 9 11 1234-5678.' })
      .optional(),
    role: z.enum(['customer', 'provider']).default('customer'),
    acceptTerms: z
      .literal(true, { message: 'Para crear la cuenta tenés que aceptar los términos y la política de privacidad.' })
      .describe('Acceptance of the terms and privacy notice in force (GET /api/v1/public/legal-documents); recorded with its versions'),
    marketingOptIn: z.boolean().optional().describe('Promotional messages, a separate choice; false when omitted'),
  })
  .strict();

export const loginBody = z.object({ email, password: z.string().min(1).max(256) }).strict();
export const refreshBody = z.object({ refreshToken: z.string().min(20).max(200) }).strict();

export const membershipSchema = z.object({ shopId: uuid, shopName: z.string(), role: z.enum(['owner', 'barber']) });

export const meSchema = z.object({
  id: uuid,
  email: z.string(),
  fullName: z.string(),
  phone: z.string().nullable(),
  role: z.enum(['customer', 'provider', 'admin']),
  shops: z.array(membershipSchema),
  pendingConsents: z
    .array(z.object({ document: z.enum(['terms', 'privacy_notice']), version: z.string(), effectiveDate: localDate }))
    .describe('Versions in force the user has not accepted: ask them to accept again (PUT /api/v1/me/consents)'),
  createdAt: z.iso.datetime({ offset: true }),
});

export const sessionSchema = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.iso.datetime({ offset: true }),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  user: meSchema,
});

export type Me = z.infer<typeof meSchema>;
export type Session = z.infer<typeof sessionSchema>;

import { z } from 'zod';
import { uuid } from '../../platform/http/schemas.js';

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

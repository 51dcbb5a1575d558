import { z } from 'zod';
import { instant, localDate, moneySchema, uuid } from '../../platform/http/schemas.js';

const requestKind = z.enum(['access', 'rectification', 'deletion', 'withdrawal', 'cancellation']);
const requestStatus = z.enum(['received', 'in_review', 'completed', 'rejected']);
const email = z.email({ message: 'Ingresá un email válido.' }).max(254).transform((e) => e.toLowerCase());
const phone = z.string().regex(/^\+?[0-9 ()-]{8,20}$/, { message: 'Ingresá un teléfono válido, ej. +54 9 11 1234-5678.' });

export const privacyRequestSchema = z
  .object({
    id: uuid,
    procedureCode: z.string().describe('Give this code to follow the request up'),
    kind: requestKind,
    status: requestStatus.describe('received/in_review: open (in_review also blocks the data); completed/rejected: answered'),
    receivedAt: instant,
    dueAt: instant.describe('The legal deadline for the answer'),
    answeredAt: instant.nullable(),
    answer: z.string().nullable(),
    fields: z.array(z.string()).describe('For a rectification: which account fields it changed'),
  })
  .describe('A data-subject or consumer request and its legal deadline');

export const adminPrivacyRequestSchema = privacyRequestSchema.extend({
  userId: uuid.nullable(),
  contactEmail: z.string().nullable(),
  bookingId: uuid.nullable(),
  description: z.string().nullable().describe('What the requester wrote, when anything'),
  deadline: z.enum(['on_time', 'due_soon', 'overdue', 'answered']),
  reviewReasons: z.array(z.string()),
});

export const publicRequestBody = z
  .object({
    email: email.describe('The email of the account, or the one the booking was made with'),
    bookingId: uuid.optional().describe('The booking reference, when it is about one booking'),
    fullName: z.string().trim().min(2).max(120).optional(),
    reason: z.string().trim().max(2000).optional(),
  })
  .strict();

export const publicReceiptSchema = z.object({
  procedureCode: z.string(),
  kind: z.enum(['withdrawal', 'cancellation']),
  receivedAt: instant,
  dueAt: instant.describe('We answer by then (24 hours)'),
  message: z.string(),
});

export const rectificationBody = z
  .object({
    fullName: z.string().trim().min(2).max(120).optional(),
    phone: phone.nullable().optional().describe('Null removes it'),
    email: email.optional().describe('Needs currentPassword'),
    currentPassword: z.string().min(1).max(256).optional(),
    otherData: z.string().trim().min(5).max(2000).optional().describe('Anything else to rectify (e.g. an invoice’s billing data): reviewed by a person, and the data is blocked meanwhile'),
  })
  .strict()
  .refine((b) => b.fullName !== undefined || b.phone !== undefined || b.email !== undefined || b.otherData !== undefined, {
    message: 'Indicá qué dato querés corregir.',
  });

export const deletionBody = z
  .object({
    password: z.string().min(1).max(256).describe('Your current password, to confirm it is you'),
    confirm: z.literal(true, { message: 'Confirmá que querés eliminar tu cuenta.' }),
  })
  .strict();

const consentRecord = z.object({ version: z.string(), recordedAt: instant }).nullable();
const legalVersion = z.object({ version: z.string(), effectiveDate: localDate });

export const consentsSchema = z.object({
  marketingOptIn: z.boolean(),
  current: z.object({ terms: legalVersion, privacyNotice: legalVersion }),
  accepted: z.object({ terms: consentRecord, privacyNotice: consentRecord }),
  pending: z.array(z.object({ document: z.enum(['terms', 'privacy_notice']), version: z.string(), effectiveDate: localDate })),
  history: z.array(z.object({ document: z.enum(['terms', 'privacy_notice', 'marketing']), version: z.string(), granted: z.boolean(), source: z.string(), recordedAt: instant })),
});

export const putConsentsBody = z
  .object({
    marketingOptIn: z.boolean().optional().describe('Promotional messages'),
    acceptVersions: z.array(z.string().min(1).max(64)).max(4).optional().describe('Versions in force being accepted (the ids GET /api/v1/public/legal-documents gives)'),
  })
  .strict()
  .refine((b) => b.marketingOptIn !== undefined || (b.acceptVersions?.length ?? 0) > 0, { message: 'Indicá qué querés cambiar.' });

const legalSection = z.object({ heading: z.string(), paragraphs: z.array(z.string()) });
const legalDocument = z.object({ document: z.enum(['terms', 'privacy_notice']), version: z.string(), effectiveDate: localDate, title: z.string(), sections: z.array(legalSection) });

export const legalDocumentsSchema = z.object({
  terms: legalDocument,
  privacyNotice: legalDocument,
  legalNotice: z.string().describe('The Ley 25.326 notice every form collecting personal data shows'),
});

export const dataExportSchema = z
  .object({
    format: z.literal('barberpro-data-export/1'),
    generatedAt: instant,
    account: z.object({
      id: uuid,
      email: z.string(),
      fullName: z.string(),
      phone: z.string().nullable(),
      role: z.enum(['customer', 'provider', 'admin']),
      createdAt: instant,
      shops: z.array(z.object({ shopId: uuid, shopName: z.string(), role: z.enum(['owner', 'barber']) })),
    }),
    bookings: z.array(
      z.object({
        id: uuid,
        shopName: z.string(),
        serviceName: z.string(),
        barberName: z.string(),
        start: instant,
        end: instant,
        timezone: z.string(),
        status: z.string(),
        price: moneySchema,
        deposit: moneySchema,
        note: z.string(),
        cancelledAt: instant.nullable(),
        cancelReason: z.string().nullable(),
        createdAt: instant,
      }),
    ),
    reviews: z.array(z.object({ id: uuid, bookingId: uuid, shopName: z.string(), rating: z.number().int(), comment: z.string(), createdAt: instant })),
    payments: z.array(z.object({ id: uuid, bookingId: uuid.nullable(), status: z.string(), amount: moneySchema, refunded: moneySchema, createdAt: instant, approvedAt: instant.nullable() })),
    invoices: z.array(
      z.object({
        id: uuid,
        bookingId: uuid.nullable(),
        kind: z.enum(['invoice', 'credit_note']),
        status: z.string(),
        voucher: z.string(),
        formattedNumber: z.string().nullable(),
        issueDate: z.string().nullable(),
        total: moneySchema,
        cae: z.string().nullable(),
        receiver: z.object({ kind: z.string(), name: z.string().nullable(), document: z.string().nullable() }),
        pdfUrl: z.string().nullable(),
      }),
    ),
    notificationPreferences: z.object({ email: z.boolean(), whatsapp: z.boolean(), whatsappPhone: z.string().nullable() }),
    consents: consentsSchema.shape.history,
    requests: z.array(privacyRequestSchema),
  })
  .describe('Every piece of personal data BarberPro holds about the caller (Ley 25.326 art. 14)');

export const requestsQuery = z
  .object({
    status: z.enum(['open', 'overdue', 'due_soon', 'all', 'received', 'in_review', 'completed', 'rejected']).default('open'),
    kind: requestKind.optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const answerBody = z
  .object({
    outcome: z.enum(['completed', 'rejected']).describe('completed on a deletion under review carries it out'),
    answer: z.string().trim().min(5).max(2000).describe('What the requester is told'),
  })
  .strict();

export const summarySchema = z.object({
  generatedAt: instant,
  requests: z.object({
    open: z.number().int(),
    inReview: z.number().int(),
    dueSoon: z.number().int().describe('Open and due within 24 hours'),
    overdue: z.number().int(),
    answered: z.number().int(),
    answeredLate: z.number().int(),
    openByKind: z.record(z.string(), z.number().int()),
    mostOverdue: z.object({ procedureCode: z.string(), kind: requestKind, dueAt: instant }).nullable(),
  }),
  consent: z.object({
    termsVersion: z.string(),
    privacyNoticeVersion: z.string(),
    accounts: z.number().int().describe('Customer and provider accounts not deleted'),
    acceptedCurrentTerms: z.number().int(),
    acceptedCurrentPrivacyNotice: z.number().int(),
    coverage: z.number().nullable().describe('Share of accounts that accepted both versions in force; null with no accounts'),
    marketingOptIns: z.number().int(),
  }),
  holidayTableCoversUntil: localDate.describe('Business-day deadlines cannot be computed past this day'),
});

export type PrivacyRequestDto = z.infer<typeof privacyRequestSchema>;
export type AdminPrivacyRequestDto = z.infer<typeof adminPrivacyRequestSchema>;
export type DataExport = z.infer<typeof dataExportSchema>;
export type ConsentsDto = z.infer<typeof consentsSchema>;
export type PrivacySummary = z.infer<typeof summarySchema>;
export type RectificationInput = z.infer<typeof rectificationBody>;
export type PublicRequestInput = z.infer<typeof publicRequestBody>;

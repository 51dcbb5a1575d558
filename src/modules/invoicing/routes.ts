import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminsOnly, anyUser, customersOnly, providersAndAdmins, requirePrincipal } from '../../platform/http/access.js';
import { authErrors, localDate, moneySchema, problemSchema, uuid } from '../../platform/http/schemas.js';
import { CONDICION_IVA_RECEPTOR_ID, type ReceiverIvaCondition } from './types.js';
import type { InvoicingService } from './service.js';
import { invoicingHealthSchema, type InvoicingHealthService } from './health.js';

const afipMessage = z.object({ code: z.number().int(), message: z.string() });

const invoiceSchema = z.object({
  id: uuid,
  kind: z.enum(['invoice', 'credit_note']),
  status: z.enum(['pending', 'issuing', 'authorized', 'rejected']).describe('pending: waiting to be sent to AFIP; issuing: sent, outcome being confirmed; authorized: has a CAE; rejected: AFIP (or a local check) refused it'),
  shopId: uuid,
  bookingId: uuid.nullable(),
  associatedInvoiceId: uuid.nullable().describe('For a credit note: the invoice it credits (CbtesAsoc)'),
  voucher: z.object({ type: z.number().int().describe('AFIP CbteTipo: 1/6/11 Factura A/B/C, 3/8/13 their credit notes'), class: z.enum(['A', 'B', 'C']), name: z.string() }),
  pointOfSale: z.number().int().nullable(),
  number: z.number().int().nullable(),
  formattedNumber: z.string().nullable().describe('00001-00000023'),
  issueDate: z.string().nullable(),
  total: moneySchema,
  net: moneySchema,
  iva: moneySchema,
  receiver: z.object({
    kind: z.enum(['consumidor_final', 'dni', 'cuil', 'cuit']),
    name: z.string().nullable(),
    document: z.string().nullable(),
    ivaCondition: z.string().nullable(),
  }),
  cae: z.string().nullable(),
  caeExpiresOn: z.string().nullable(),
  qrUrl: z.string().nullable().describe('AFIP verification link carried by the QR code'),
  pdfUrl: z.string().nullable(),
  pendingReason: z.string().nullable(),
  rejection: z.object({ reason: z.string(), errors: z.array(afipMessage), observations: z.array(afipMessage) }).nullable(),
  createdAt: z.string(),
  authorizedAt: z.string().nullable(),
});

const environment = z.enum(['homologation', 'production', 'sandbox']);
const pem = (what: string) => z.string().min(64, { message: `${what} en formato PEM.` }).max(20_000);

const fiscalSettingsBody = z
  .object({
    pointOfSale: z.number().int().min(1, { message: 'El punto de venta va de 1 a 99999.' }).max(99_999, { message: 'El punto de venta va de 1 a 99999.' }),
    businessName: z.string().trim().min(2).max(200).describe('Razón social'),
    grossIncomeRegistration: z.string().trim().min(1).max(60).describe('Ingresos Brutos, as printed'),
    activityStartDate: localDate.describe('Inicio de actividades'),
    certificatePem: pem('El certificado de AFIP'),
    privateKeyPem: pem('La clave privada').optional().describe('Write-only. Required the first time; omit to keep the stored key'),
    environment,
    enabled: z.boolean().default(true),
  })
  .strict();

const fiscalSettingsSchema = z.object({
  shopId: uuid,
  pointOfSale: z.number().int(),
  businessName: z.string(),
  grossIncomeRegistration: z.string(),
  activityStartDate: z.string(),
  environment,
  enabled: z.boolean(),
  certificate: z.object({ subject: z.string(), cuit: z.string().nullable(), notBefore: z.string(), notAfter: z.string(), fingerprint256: z.string() }).nullable(),
  hasPrivateKey: z.boolean(),
  updatedAt: z.string(),
});

const ivaConditions = Object.keys(CONDICION_IVA_RECEPTOR_ID) as [ReceiverIvaCondition, ...ReceiverIvaCondition[]];
const billingBody = z
  .object({
    docType: z.enum(['dni', 'cuit']),
    number: z.string().trim().regex(/^[0-9][0-9.\- ]{5,14}$/, { message: 'Debe ser un DNI o un CUIT (solo números, puntos o guiones).' }),
    name: z.string().trim().min(2).max(120).describe('Nombre o razón social'),
    ivaCondition: z.enum(ivaConditions).optional().describe('Required with a CUIT'),
  })
  .strict();

export function invoicingRoutes(invoicing: InvoicingService, health: InvoicingHealthService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/admin/invoicing/health', {
      config: { access: adminsOnly },
      schema: {
        tags: ['invoicing', 'ops'],
        summary: 'AFIP health as this server sees it: FEDummy, WSAA tickets, AFIP’s last number vs ours per sequence, the invoice queue (for barberpro ops afip-health-check)',
        response: { 200: invoicingHealthSchema, ...authErrors },
      },
      handler: async () => health.inspect(),
    });

    app.get('/api/v1/invoices/:id', {
      config: { access: anyUser },
      schema: {
        tags: ['invoicing'],
        summary: 'An invoice or credit note (the booking’s customer, the shop, admins)',
        params: z.object({ id: uuid }).strict(),
        response: { 200: invoiceSchema, ...authErrors, 404: problemSchema },
      },
      handler: async (request) => invoicing.get(requirePrincipal(request), request.params.id),
    });

    app.get('/api/v1/invoices/:id/pdf', {
      config: { access: anyUser },
      schema: {
        tags: ['invoicing'],
        summary: 'The authorized voucher as a PDF with AFIP’s QR code',
        params: z.object({ id: uuid }).strict(),
        response: { 200: z.unknown().describe('application/pdf'), ...authErrors, 404: problemSchema, 409: problemSchema },
      },
      handler: async (request, reply) => {
        const { body, filename } = await invoicing.pdf(requirePrincipal(request), request.params.id);
        return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).header('cache-control', 'private, no-store').send(body);
      },
    });

    app.get('/api/v1/bookings/:id/invoices', {
      config: { access: anyUser },
      schema: {
        tags: ['invoicing'],
        summary: 'The vouchers of a booking: its invoice and any credit notes',
        params: z.object({ id: uuid }).strict(),
        response: { 200: z.object({ items: z.array(invoiceSchema) }), ...authErrors, 404: problemSchema },
      },
      handler: async (request) => ({ items: await invoicing.forBooking(requirePrincipal(request), request.params.id) }),
    });

    app.put('/api/v1/bookings/:id/billing', {
      config: { access: customersOnly },
      schema: {
        tags: ['invoicing'],
        summary: 'Optional billing data for the booking’s invoice (DNI, or CUIT with IVA condition); without it the invoice goes to a consumidor final',
        params: z.object({ id: uuid }).strict(),
        body: billingBody,
        response: {
          200: z.object({ bookingId: uuid, receiver: invoiceSchema.shape.receiver }),
          400: problemSchema,
          ...authErrors,
          404: problemSchema,
          409: problemSchema,
          422: problemSchema,
        },
      },
      handler: async (request) => invoicing.putBilling(requirePrincipal(request), request.params.id, request.body),
    });

    app.get('/api/v1/shops/:shopId/invoices', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['invoicing'],
        summary: 'The shop’s vouchers, newest first; rejected ones carry AFIP’s reason',
        params: z.object({ shopId: uuid }).strict(),
        querystring: z
          .object({
            status: z.enum(['pending', 'issuing', 'authorized', 'rejected']).optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(20),
          })
          .strict(),
        response: {
          200: z.object({ items: z.array(invoiceSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }),
          400: problemSchema,
          ...authErrors,
        },
      },
      handler: async (request) => invoicing.forShop(requirePrincipal(request), request.params.shopId, request.query),
    });

    app.post('/api/v1/invoices/:id/retry', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['invoicing'],
        summary: 'Send a rejected voucher to AFIP again (after fixing what AFIP objected to)',
        params: z.object({ id: uuid }).strict(),
        response: { 200: invoiceSchema, ...authErrors, 404: problemSchema, 409: problemSchema },
      },
      handler: async (request) => invoicing.retry(requirePrincipal(request), request.params.id),
    });

    app.get('/api/v1/shops/:shopId/fiscal-settings', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['invoicing'],
        summary: 'The shop’s AFIP settings (point of sale, certificate); the private key is never returned',
        params: z.object({ shopId: uuid }).strict(),
        response: { 200: fiscalSettingsSchema, ...authErrors, 404: problemSchema },
      },
      handler: async (request) => invoicing.getSettings(requirePrincipal(request), request.params.shopId),
    });

    app.put('/api/v1/shops/:shopId/fiscal-settings', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['invoicing'],
        summary: 'Set the shop’s AFIP point of sale, WSAA certificate and private key (sealed at rest, write-only)',
        params: z.object({ shopId: uuid }).strict(),
        body: fiscalSettingsBody,
        response: { 200: fiscalSettingsSchema, 400: problemSchema, ...authErrors, 404: problemSchema, 422: problemSchema },
      },
      handler: async (request) => invoicing.putSettings(requirePrincipal(request), request.params.shopId, request.body),
    });
  };
}

// Generated from /openapi.json by `npm run generate:api`. Do not edit; CI checks it is current.

export interface ApiOperations {
  'GET /api/v1/admin/analytics/daily': { response: GetAdminAnalyticsDailyResponse };
  'GET /api/v1/admin/analytics/regional': { response: GetAdminAnalyticsRegionalResponse };
  'GET /api/v1/admin/analytics/rollups': { query: GetAdminAnalyticsRollupsQuery; response: GetAdminAnalyticsRollupsResponse };
  'GET /api/v1/admin/audit/verify': { response: GetAdminAuditVerifyResponse };
  'GET /api/v1/admin/invoicing/health': { response: GetAdminInvoicingHealthResponse };
  'GET /api/v1/admin/ledger/check': { response: GetAdminLedgerCheckResponse };
  'GET /api/v1/admin/ledger/trial-balance': { response: GetAdminLedgerTrialBalanceResponse };
  'GET /api/v1/admin/ops/db-performance': { response: GetAdminOpsDbPerformanceResponse };
  'GET /api/v1/admin/ops/financial-documents': { response: GetAdminOpsFinancialDocumentsResponse };
  'GET /api/v1/admin/security/ip-blocks': { response: GetAdminSecurityIpBlocksResponse };
  'POST /api/v1/admin/security/ip-blocks': { body: PostAdminSecurityIpBlocksBody; response: PostAdminSecurityIpBlocksResponse };
  'DELETE /api/v1/admin/security/ip-blocks/{ip}': { response: unknown };
  'POST /api/v1/auth/login': { body: PostAuthLoginBody; response: PostAuthLoginResponse };
  'POST /api/v1/auth/logout': { body: PostAuthLogoutBody; response: unknown };
  'POST /api/v1/auth/refresh': { body: PostAuthRefreshBody; response: PostAuthRefreshResponse };
  'POST /api/v1/auth/register': { body: PostAuthRegisterBody; response: PostAuthRegisterResponse };
  'GET /api/v1/bookings': { query?: GetBookingsQuery; response: GetBookingsResponse };
  'POST /api/v1/bookings': { body: PostBookingsBody; response: PostBookingsResponse };
  'GET /api/v1/bookings/{id}': { response: GetBookingsIdResponse };
  'PUT /api/v1/bookings/{id}/billing': { body: PutBookingsIdBillingBody; response: PutBookingsIdBillingResponse };
  'POST /api/v1/bookings/{id}/cancel': { body: PostBookingsIdCancelBody; response: PostBookingsIdCancelResponse };
  'POST /api/v1/bookings/{id}/checkout': { response: PostBookingsIdCheckoutResponse };
  'POST /api/v1/bookings/{id}/complete': { response: PostBookingsIdCompleteResponse };
  'POST /api/v1/bookings/{id}/confirm': { response: PostBookingsIdConfirmResponse };
  'GET /api/v1/bookings/{id}/invoices': { response: GetBookingsIdInvoicesResponse };
  'POST /api/v1/bookings/{id}/no-show': { response: PostBookingsIdNoShowResponse };
  'POST /api/v1/bookings/{id}/reschedule': { body: PostBookingsIdRescheduleBody; response: PostBookingsIdRescheduleResponse };
  'POST /api/v1/bookings/{id}/review': { body: PostBookingsIdReviewBody; response: PostBookingsIdReviewResponse };
  'GET /api/v1/invoices/{id}': { response: GetInvoicesIdResponse };
  'GET /api/v1/invoices/{id}/pdf': { response: GetInvoicesIdPdfResponse };
  'POST /api/v1/invoices/{id}/retry': { response: PostInvoicesIdRetryResponse };
  'GET /api/v1/me': { response: GetMeResponse };
  'GET /api/v1/me/notification-preferences': { response: GetMeNotificationPreferencesResponse };
  'PUT /api/v1/me/notification-preferences': { body: PutMeNotificationPreferencesBody; response: PutMeNotificationPreferencesResponse };
  'GET /api/v1/mercadopago/oauth/callback': { query: GetMercadopagoOauthCallbackQuery; response: GetMercadopagoOauthCallbackResponse };
  'GET /api/v1/shops': { query?: GetShopsQuery; response: GetShopsResponse };
  'POST /api/v1/shops': { body: PostShopsBody; response: PostShopsResponse };
  'GET /api/v1/shops/{shopId}': { response: GetShopsShopIdResponse };
  'PATCH /api/v1/shops/{shopId}': { body: PatchShopsShopIdBody; response: PatchShopsShopIdResponse };
  'GET /api/v1/shops/{shopId}/availability': { query: GetShopsShopIdAvailabilityQuery; response: GetShopsShopIdAvailabilityResponse };
  'GET /api/v1/shops/{shopId}/barbers': { response: GetShopsShopIdBarbersResponse };
  'POST /api/v1/shops/{shopId}/barbers': { body: PostShopsShopIdBarbersBody; response: PostShopsShopIdBarbersResponse };
  'PATCH /api/v1/shops/{shopId}/barbers/{barberId}': { body: PatchShopsShopIdBarbersBarberIdBody; response: PatchShopsShopIdBarbersBarberIdResponse };
  'GET /api/v1/shops/{shopId}/barbers/{barberId}/overrides': { response: GetShopsShopIdBarbersBarberIdOverridesResponse };
  'PUT /api/v1/shops/{shopId}/barbers/{barberId}/overrides': { body: PutShopsShopIdBarbersBarberIdOverridesBody; response: PutShopsShopIdBarbersBarberIdOverridesResponse };
  'DELETE /api/v1/shops/{shopId}/barbers/{barberId}/overrides/{date}': { response: unknown };
  'GET /api/v1/shops/{shopId}/barbers/{barberId}/schedule': { response: GetShopsShopIdBarbersBarberIdScheduleResponse };
  'PUT /api/v1/shops/{shopId}/barbers/{barberId}/schedule': { body: PutShopsShopIdBarbersBarberIdScheduleBody; response: PutShopsShopIdBarbersBarberIdScheduleResponse };
  'GET /api/v1/shops/{shopId}/barbers/{barberId}/time-off': { response: GetShopsShopIdBarbersBarberIdTimeOffResponse };
  'POST /api/v1/shops/{shopId}/barbers/{barberId}/time-off': { body: PostShopsShopIdBarbersBarberIdTimeOffBody; response: PostShopsShopIdBarbersBarberIdTimeOffResponse };
  'DELETE /api/v1/shops/{shopId}/barbers/{barberId}/time-off/{timeOffId}': { response: unknown };
  'GET /api/v1/shops/{shopId}/fiscal-settings': { response: GetShopsShopIdFiscalSettingsResponse };
  'PUT /api/v1/shops/{shopId}/fiscal-settings': { body: PutShopsShopIdFiscalSettingsBody; response: PutShopsShopIdFiscalSettingsResponse };
  'GET /api/v1/shops/{shopId}/invoices': { query?: GetShopsShopIdInvoicesQuery; response: GetShopsShopIdInvoicesResponse };
  'GET /api/v1/shops/{shopId}/mercadopago/authorization': { response: GetShopsShopIdMercadopagoAuthorizationResponse };
  'GET /api/v1/shops/{shopId}/payouts': { query: GetShopsShopIdPayoutsQuery; response: GetShopsShopIdPayoutsResponse };
  'GET /api/v1/shops/{shopId}/reviews': { query?: GetShopsShopIdReviewsQuery; response: GetShopsShopIdReviewsResponse };
  'GET /api/v1/shops/{shopId}/services': { response: GetShopsShopIdServicesResponse };
  'POST /api/v1/shops/{shopId}/services': { body: PostShopsShopIdServicesBody; response: PostShopsShopIdServicesResponse };
  'PATCH /api/v1/shops/{shopId}/services/{serviceId}': { body: PatchShopsShopIdServicesServiceIdBody; response: PatchShopsShopIdServicesServiceIdResponse };
  'POST /api/v1/webhooks/mercadopago': { query?: PostWebhooksMercadopagoQuery; body: PostWebhooksMercadopagoBody; response: PostWebhooksMercadopagoResponse };
}

export interface GetAdminAnalyticsDailyResponse {
query: string
rows: {
date: string
bookings: number
/**
 * numeric, as a decimal string (exact)
 */
avgValue: (string | null)
/**
 * numeric, as a decimal string (exact)
 */
totalRevenue: (string | null)
}[]
}

export interface GetAdminAnalyticsRegionalResponse {
query: string
rows: {
providerRegion: string
bookings: number
/**
 * numeric, as a decimal string (exact)
 */
avgRating: (string | null)
/**
 * numeric, as a decimal string (exact)
 */
avgResponseTimeMs: (string | null)
}[]
}

export interface GetAdminAnalyticsRollupsQuery {
from: string
to: string
}

export interface GetAdminAnalyticsRollupsResponse {
rows: {
day: string
region: string
bookingsCreated: number
bookingsCancelled: number
bookingsCompleted: number
bookingsNoShow: number
revenue: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
/**
 * numeric, as a decimal string (exact)
 */
avgRating: (string | null)
/**
 * numeric, as a decimal string (exact)
 */
avgResponseTimeMs: (string | null)
computedAt: string
}[]
}

export interface GetAdminAuditVerifyResponse {
ok: boolean
/**
 * Rows found good, from seq 1
 */
rowsChecked: number
/**
 * The last good row: the newest when the chain is intact (keep it elsewhere to detect lost newest rows), else the one before the break
 */
head: ({
seq: number
hash: string
} | null)
firstBrokenSeq: (number | null)
/**
 * content: the hash does not match the row; link: the row does not follow its predecessor
 */
reason: (("content" | "link") | null)
detail: (string | null)
}

export interface GetAdminInvoicingHealthResponse {
checkedAt: string
afip: ({
consulted: false
reason: string
} | {
consulted: true
environment: ("homologation" | "production" | "sandbox")
wsaaUrl: string
wsfeUrl: string
dummy: {
ok: boolean
appServer: (string | null)
dbServer: (string | null)
authServer: (string | null)
latencyMs: number
error: (string | null)
}
})
queue: {
pending: number
issuing: number
rejected: number
/**
 * Pending on purpose: paid ahead of AFIP’s issue window
 */
deferred: number
/**
 * Pending because the shop has no fiscal settings
 */
withoutPointOfSale: number
/**
 * The voucher waiting longest since it became due
 */
oldest: ({
invoiceId: string
shopId: string
status: ("pending" | "issuing")
kind: ("invoice" | "credit_note")
voucher: string
dueSince: string
ageSeconds: number
reason: (string | null)
} | null)
}
sequences: {
cuit: string
pointOfSale: number
cbteTipo: number
voucher: string
local: {
/**
 * 0 when none
 */
lastAuthorized: number
/**
 * A number sent whose outcome is being confirmed
 */
issuingNumber: (number | null)
pending: number
issuing: number
rejected: number
failures: number
retryAt: (string | null)
lastError: (string | null)
}
afip: {
lastAuthorized: (number | null)
latencyMs: (number | null)
error: (string | null)
skipped: (string | null)
}
}[]
certificates: {
cuit: string
shopIds: string[]
pointsOfSale: number[]
/**
 * SHA-256 of the certificate, first 16 hex digits
 */
fingerprint: string
notAfter: (string | null)
/**
 * The WSAA ticket as found
 */
ticketBefore: {
state: ("valid" | "expired" | "none")
expiresAt: (string | null)
expiresInSeconds: (number | null)
}
/**
 * After this check (which may have logged in)
 */
ticketAfter: {
state: ("valid" | "expired" | "none")
expiresAt: (string | null)
expiresInSeconds: (number | null)
}
login: ("ok" | "failed" | "not-attempted")
loginError: (string | null)
}[]
}

export interface GetAdminLedgerCheckResponse {
ok: boolean
/**
 * Sum of every posting; 0 when the books balance
 */
trialBalance: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
unbalancedEntries: {
entryId: string
idempotencyKey: string
kind: string
postings: number
sum: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}[]
/**
 * Whether there is a payments table to check against
 */
paymentsTable: boolean
approvedPaymentsWithoutPostings: {
paymentId: string
mpPaymentId: (string | null)
status: string
}[]
}

export interface GetAdminLedgerTrialBalanceResponse {
accounts: {
code: string
kind: ("asset" | "liability" | "revenue" | "expense")
normalSide: ("debit" | "credit")
shopId: (string | null)
/**
 * Debit positive, credit negative
 */
balance: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}[]
total: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}

export interface GetAdminOpsDbPerformanceResponse {
statsReset: (string | null)
statements: ({
available: true
all: {
calls: number
meanMs: number
minMs: number
maxMs: number
totalMs: number
}[]
slowest: {
calls: number
meanMs: number
minMs: number
maxMs: number
totalMs: number
query: string
}[]
} | {
available: false
reason: string
})
unusedIndexes: {
table: string
index: string
scans: number
sizeBytes: number
}[]
tables: {
table: string
liveRows: number
seqScans: number
seqRowsRead: number
indexScans: number
}[]
columnStats: {
schemaname: string
tablename: string
attname: string
nDistinct: (number | null)
correlation: (number | null)
}[]
}

export interface GetAdminOpsFinancialDocumentsResponse {
invoices: {
available: boolean
reason?: string
expected: number
/**
 * The oldest first, at most 100
 */
missing: {
id: string
ageMinutes: number
}[]
}
creditNotes: {
available: boolean
reason?: string
expected: number
/**
 * The oldest first, at most 100
 */
missing: {
id: string
ageMinutes: number
}[]
}
}

export interface GetAdminSecurityIpBlocksResponse {
items: {
ip: string
reason: string
source: ("automatic" | "manual")
/**
 * The admin who blocked it; null for automatic blocks
 */
blockedBy: (string | null)
blockedAt: string
/**
 * When the block lifts by itself
 */
expiresAt: string
}[]
}

export interface PostAdminSecurityIpBlocksBody {
/**
 * IPv4 or IPv6 address
 */
ip: string
/**
 * How long the block lasts (at most 30 days)
 */
minutes: number
/**
 * Why, for the other operators
 */
reason: string
}

export interface PostAdminSecurityIpBlocksResponse {
ip: string
reason: string
source: ("automatic" | "manual")
/**
 * The admin who blocked it; null for automatic blocks
 */
blockedBy: (string | null)
blockedAt: string
/**
 * When the block lifts by itself
 */
expiresAt: string
}

export interface PostAuthLoginBody {
email: string
password: string
}

export interface PostAuthLoginResponse {
accessToken: string
accessTokenExpiresAt: string
refreshToken: string
tokenType: "Bearer"
user: {
id: string
email: string
fullName: string
phone: (string | null)
role: ("customer" | "provider" | "admin")
shops: {
shopId: string
shopName: string
role: ("owner" | "barber")
}[]
createdAt: string
}
}

export interface PostAuthLogoutBody {
refreshToken: string
}

export interface PostAuthRefreshBody {
refreshToken: string
}

export interface PostAuthRefreshResponse {
accessToken: string
accessTokenExpiresAt: string
refreshToken: string
tokenType: "Bearer"
user: {
id: string
email: string
fullName: string
phone: (string | null)
role: ("customer" | "provider" | "admin")
shops: {
shopId: string
shopName: string
role: ("owner" | "barber")
}[]
createdAt: string
}
}

export interface PostAuthRegisterBody {
email: string
password: string
fullName: string
phone?: string
role?: ("customer" | "provider")
}

export interface PostAuthRegisterResponse {
accessToken: string
accessTokenExpiresAt: string
refreshToken: string
tokenType: "Bearer"
user: {
id: string
email: string
fullName: string
phone: (string | null)
role: ("customer" | "provider" | "admin")
shops: {
shopId: string
shopName: string
role: ("owner" | "barber")
}[]
createdAt: string
}
}

export interface GetBookingsQuery {
status?: string
from?: string
to?: string
shopId?: string
barberId?: string
page?: number
pageSize?: number
}

export interface GetBookingsResponse {
items: {
id: string
status: ("pending" | "confirmed" | "completed" | "no_show" | "cancelled" | "expired")
shopId: string
shopName: string
timezone: string
barberId: string
barberName: string
serviceId: string
serviceName: string
customer: {
id: string
fullName: string
}
start: string
end: string
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
holdExpiresAt: (string | null)
note: string
cancellation: ({
at: string
byCustomer: boolean
reason: (string | null)
late: boolean
} | null)
rescheduleCount: number
reviewed: boolean
createdAt: string
}[]
page: number
pageSize: number
total: number
}

export interface PostBookingsBody {
shopId: string
serviceId: string
start: string
/**
 * Omit for "any barber"
 */
barberId?: string
note?: string
}

export interface PostBookingsResponse {
id: string
status: ("pending" | "confirmed" | "completed" | "no_show" | "cancelled" | "expired")
shopId: string
shopName: string
timezone: string
barberId: string
barberName: string
serviceId: string
serviceName: string
customer: {
id: string
fullName: string
}
start: string
end: string
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
holdExpiresAt: (string | null)
note: string
cancellation: ({
at: string
byCustomer: boolean
reason: (string | null)
late: boolean
} | null)
rescheduleCount: number
reviewed: boolean
createdAt: string
}

export interface GetBookingsIdResponse {
id: string
status: ("pending" | "confirmed" | "completed" | "no_show" | "cancelled" | "expired")
shopId: string
shopName: string
timezone: string
barberId: string
barberName: string
serviceId: string
serviceName: string
customer: {
id: string
fullName: string
}
start: string
end: string
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
holdExpiresAt: (string | null)
note: string
cancellation: ({
at: string
byCustomer: boolean
reason: (string | null)
late: boolean
} | null)
rescheduleCount: number
reviewed: boolean
createdAt: string
}

export interface PutBookingsIdBillingBody {
docType: ("dni" | "cuit")
number: string
/**
 * Nombre o razón social
 */
name: string
/**
 * Required with a CUIT
 */
ivaCondition?: ("responsable_inscripto" | "exento" | "consumidor_final" | "monotributo" | "no_categorizado" | "monotributista_social" | "iva_no_alcanzado" | "monotributo_trabajador_independiente_promovido")
}

export interface PutBookingsIdBillingResponse {
bookingId: string
receiver: {
kind: ("consumidor_final" | "dni" | "cuil" | "cuit")
name: (string | null)
document: (string | null)
ivaCondition: (string | null)
}
}

export interface PostBookingsIdCancelBody {
reason?: string
}

export interface PostBookingsIdCancelResponse {
id: string
status: ("pending" | "confirmed" | "completed" | "no_show" | "cancelled" | "expired")
shopId: string
shopName: string
timezone: string
barberId: string
barberName: string
serviceId: string
serviceName: string
customer: {
id: string
fullName: string
}
start: string
end: string
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
holdExpiresAt: (string | null)
note: string
cancellation: ({
at: string
byCustomer: boolean
reason: (string | null)
late: boolean
} | null)
rescheduleCount: number
reviewed: boolean
createdAt: string
}

export interface PostBookingsIdCheckoutResponse {
paymentId: string
bookingId: string
/**
 * MercadoPago Checkout Pro: send the customer here
 */
checkoutUrl: string
amount: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
/**
 * The hold ends then; the checkout expires with it
 */
expiresAt: string
}

export interface PostBookingsIdCompleteResponse {
id: string
status: ("pending" | "confirmed" | "completed" | "no_show" | "cancelled" | "expired")
shopId: string
shopName: string
timezone: string
barberId: string
barberName: string
serviceId: string
serviceName: string
customer: {
id: string
fullName: string
}
start: string
end: string
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
holdExpiresAt: (string | null)
note: string
cancellation: ({
at: string
byCustomer: boolean
reason: (string | null)
late: boolean
} | null)
rescheduleCount: number
reviewed: boolean
createdAt: string
}

export interface PostBookingsIdConfirmResponse {
id: string
status: ("pending" | "confirmed" | "completed" | "no_show" | "cancelled" | "expired")
shopId: string
shopName: string
timezone: string
barberId: string
barberName: string
serviceId: string
serviceName: string
customer: {
id: string
fullName: string
}
start: string
end: string
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
holdExpiresAt: (string | null)
note: string
cancellation: ({
at: string
byCustomer: boolean
reason: (string | null)
late: boolean
} | null)
rescheduleCount: number
reviewed: boolean
createdAt: string
}

export interface GetBookingsIdInvoicesResponse {
items: {
id: string
kind: ("invoice" | "credit_note")
/**
 * pending: waiting to be sent to AFIP; issuing: sent, outcome being confirmed; authorized: has a CAE; rejected: AFIP (or a local check) refused it
 */
status: ("pending" | "issuing" | "authorized" | "rejected")
shopId: string
bookingId: (string | null)
/**
 * For a credit note: the invoice it credits (CbtesAsoc)
 */
associatedInvoiceId: (string | null)
voucher: {
/**
 * AFIP CbteTipo: 1/6/11 Factura A/B/C, 3/8/13 their credit notes
 */
type: number
class: ("A" | "B" | "C")
name: string
}
pointOfSale: (number | null)
number: (number | null)
/**
 * 00001-00000023
 */
formattedNumber: (string | null)
issueDate: (string | null)
total: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
net: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
iva: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
receiver: {
kind: ("consumidor_final" | "dni" | "cuil" | "cuit")
name: (string | null)
document: (string | null)
ivaCondition: (string | null)
}
cae: (string | null)
caeExpiresOn: (string | null)
/**
 * AFIP verification link carried by the QR code
 */
qrUrl: (string | null)
pdfUrl: (string | null)
pendingReason: (string | null)
rejection: ({
reason: string
errors: {
code: number
message: string
}[]
observations: {
code: number
message: string
}[]
} | null)
createdAt: string
authorizedAt: (string | null)
}[]
}

export interface PostBookingsIdNoShowResponse {
id: string
status: ("pending" | "confirmed" | "completed" | "no_show" | "cancelled" | "expired")
shopId: string
shopName: string
timezone: string
barberId: string
barberName: string
serviceId: string
serviceName: string
customer: {
id: string
fullName: string
}
start: string
end: string
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
holdExpiresAt: (string | null)
note: string
cancellation: ({
at: string
byCustomer: boolean
reason: (string | null)
late: boolean
} | null)
rescheduleCount: number
reviewed: boolean
createdAt: string
}

export interface PostBookingsIdRescheduleBody {
start: string
/**
 * Omit to keep the barber if free, else any barber
 */
barberId?: string
}

export interface PostBookingsIdRescheduleResponse {
id: string
status: ("pending" | "confirmed" | "completed" | "no_show" | "cancelled" | "expired")
shopId: string
shopName: string
timezone: string
barberId: string
barberName: string
serviceId: string
serviceName: string
customer: {
id: string
fullName: string
}
start: string
end: string
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
holdExpiresAt: (string | null)
note: string
cancellation: ({
at: string
byCustomer: boolean
reason: (string | null)
late: boolean
} | null)
rescheduleCount: number
reviewed: boolean
createdAt: string
}

export interface PostBookingsIdReviewBody {
rating: number
comment?: string
}

export interface PostBookingsIdReviewResponse {
id: string
rating: number
comment: string
barberId: string
barberName: string
/**
 * First name and initial only
 */
customerName: string
createdAt: string
}

export interface GetInvoicesIdResponse {
id: string
kind: ("invoice" | "credit_note")
/**
 * pending: waiting to be sent to AFIP; issuing: sent, outcome being confirmed; authorized: has a CAE; rejected: AFIP (or a local check) refused it
 */
status: ("pending" | "issuing" | "authorized" | "rejected")
shopId: string
bookingId: (string | null)
/**
 * For a credit note: the invoice it credits (CbtesAsoc)
 */
associatedInvoiceId: (string | null)
voucher: {
/**
 * AFIP CbteTipo: 1/6/11 Factura A/B/C, 3/8/13 their credit notes
 */
type: number
class: ("A" | "B" | "C")
name: string
}
pointOfSale: (number | null)
number: (number | null)
/**
 * 00001-00000023
 */
formattedNumber: (string | null)
issueDate: (string | null)
total: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
net: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
iva: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
receiver: {
kind: ("consumidor_final" | "dni" | "cuil" | "cuit")
name: (string | null)
document: (string | null)
ivaCondition: (string | null)
}
cae: (string | null)
caeExpiresOn: (string | null)
/**
 * AFIP verification link carried by the QR code
 */
qrUrl: (string | null)
pdfUrl: (string | null)
pendingReason: (string | null)
rejection: ({
reason: string
errors: {
code: number
message: string
}[]
observations: {
code: number
message: string
}[]
} | null)
createdAt: string
authorizedAt: (string | null)
}

/**
 * application/pdf
 */
export interface GetInvoicesIdPdfResponse {
[k: string]: unknown | undefined
}

export interface PostInvoicesIdRetryResponse {
id: string
kind: ("invoice" | "credit_note")
/**
 * pending: waiting to be sent to AFIP; issuing: sent, outcome being confirmed; authorized: has a CAE; rejected: AFIP (or a local check) refused it
 */
status: ("pending" | "issuing" | "authorized" | "rejected")
shopId: string
bookingId: (string | null)
/**
 * For a credit note: the invoice it credits (CbtesAsoc)
 */
associatedInvoiceId: (string | null)
voucher: {
/**
 * AFIP CbteTipo: 1/6/11 Factura A/B/C, 3/8/13 their credit notes
 */
type: number
class: ("A" | "B" | "C")
name: string
}
pointOfSale: (number | null)
number: (number | null)
/**
 * 00001-00000023
 */
formattedNumber: (string | null)
issueDate: (string | null)
total: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
net: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
iva: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
receiver: {
kind: ("consumidor_final" | "dni" | "cuil" | "cuit")
name: (string | null)
document: (string | null)
ivaCondition: (string | null)
}
cae: (string | null)
caeExpiresOn: (string | null)
/**
 * AFIP verification link carried by the QR code
 */
qrUrl: (string | null)
pdfUrl: (string | null)
pendingReason: (string | null)
rejection: ({
reason: string
errors: {
code: number
message: string
}[]
observations: {
code: number
message: string
}[]
} | null)
createdAt: string
authorizedAt: (string | null)
}

export interface GetMeResponse {
id: string
email: string
fullName: string
phone: (string | null)
role: ("customer" | "provider" | "admin")
shops: {
shopId: string
shopName: string
role: ("owner" | "barber")
}[]
createdAt: string
}

/**
 * Which channels booking confirmations, changes, cancellations and reminders use
 */
export interface GetMeNotificationPreferencesResponse {
/**
 * Booking emails (with the calendar event attached)
 */
email: boolean
/**
 * WhatsApp messages
 */
whatsapp: boolean
/**
 * E.164, e.g. +5491140000000
 */
whatsappPhone: (string | null)
}

export interface PutMeNotificationPreferencesBody {
email: boolean
whatsapp: boolean
/**
 * International number, e.g. +54 9 11 1234-5678. Omitted: keep the saved one (or the account phone). Null: forget it.
 */
whatsappPhone?: (string | null)
}

/**
 * Which channels booking confirmations, changes, cancellations and reminders use
 */
export interface PutMeNotificationPreferencesResponse {
/**
 * Booking emails (with the calendar event attached)
 */
email: boolean
/**
 * WhatsApp messages
 */
whatsapp: boolean
/**
 * E.164, e.g. +5491140000000
 */
whatsappPhone: (string | null)
}

export interface GetMercadopagoOauthCallbackQuery {
code: string
state: string
}

export interface GetMercadopagoOauthCallbackResponse {
linked: true
shopId: string
}

export interface GetShopsQuery {
city?: string
region?: string
q?: string
service?: string
page?: number
pageSize?: number
}

export interface GetShopsResponse {
items: {
id: string
slug: string
name: string
address: string
city: string
province: string
region: string
timezone: string
location: {
latitude: number
longitude: number
}
rating: {
average: (number | null)
count: number
}
priceFrom: ({
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
} | null)
}[]
page: number
pageSize: number
total: number
}

export interface PostShopsBody {
name: string
description?: string
cuit: string
taxCondition: ("monotributo" | "responsable_inscripto")
address: string
city: string
province: string
region: string
timezone?: string
latitude: number
longitude: number
phone?: string
cancellationCutoffMinutes?: number
holdMinutes?: number
minNoticeMinutes?: number
bookingHorizonDays?: number
slotStepMinutes?: number
}

export interface PostShopsResponse {
id: string
slug: string
name: string
address: string
city: string
province: string
region: string
timezone: string
location: {
latitude: number
longitude: number
}
rating: {
average: (number | null)
count: number
}
priceFrom: ({
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
} | null)
description: string
phone: (string | null)
cuit: string
taxCondition: ("monotributo" | "responsable_inscripto")
policies: {
cancellationCutoffMinutes: number
holdMinutes: number
minNoticeMinutes: number
bookingHorizonDays: number
slotStepMinutes: number
}
services: {
id: string
name: string
description: string
durationMinutes: number
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
kind: ("none" | "fixed" | "percent" | "full")
/**
 * centavos for fixed, percent for percent, 0 otherwise
 */
value: number
/**
 * What the customer pays upfront
 */
amount: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}
bufferBeforeMinutes: number
bufferAfterMinutes: number
active: boolean
}[]
barbers: {
id: string
displayName: string
bio: string
active: boolean
/**
 * Services this barber performs; empty means all
 */
serviceIds: string[]
}[]
}

export interface GetShopsShopIdResponse {
id: string
slug: string
name: string
address: string
city: string
province: string
region: string
timezone: string
location: {
latitude: number
longitude: number
}
rating: {
average: (number | null)
count: number
}
priceFrom: ({
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
} | null)
description: string
phone: (string | null)
cuit: string
taxCondition: ("monotributo" | "responsable_inscripto")
policies: {
cancellationCutoffMinutes: number
holdMinutes: number
minNoticeMinutes: number
bookingHorizonDays: number
slotStepMinutes: number
}
services: {
id: string
name: string
description: string
durationMinutes: number
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
kind: ("none" | "fixed" | "percent" | "full")
/**
 * centavos for fixed, percent for percent, 0 otherwise
 */
value: number
/**
 * What the customer pays upfront
 */
amount: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}
bufferBeforeMinutes: number
bufferAfterMinutes: number
active: boolean
}[]
barbers: {
id: string
displayName: string
bio: string
active: boolean
/**
 * Services this barber performs; empty means all
 */
serviceIds: string[]
}[]
}

export interface PatchShopsShopIdBody {
name?: string
description?: string
cuit?: string
taxCondition?: ("monotributo" | "responsable_inscripto")
address?: string
city?: string
province?: string
region?: string
timezone?: string
latitude?: number
longitude?: number
phone?: string
cancellationCutoffMinutes?: number
holdMinutes?: number
minNoticeMinutes?: number
bookingHorizonDays?: number
slotStepMinutes?: number
}

export interface PatchShopsShopIdResponse {
id: string
slug: string
name: string
address: string
city: string
province: string
region: string
timezone: string
location: {
latitude: number
longitude: number
}
rating: {
average: (number | null)
count: number
}
priceFrom: ({
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
} | null)
description: string
phone: (string | null)
cuit: string
taxCondition: ("monotributo" | "responsable_inscripto")
policies: {
cancellationCutoffMinutes: number
holdMinutes: number
minNoticeMinutes: number
bookingHorizonDays: number
slotStepMinutes: number
}
services: {
id: string
name: string
description: string
durationMinutes: number
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
kind: ("none" | "fixed" | "percent" | "full")
/**
 * centavos for fixed, percent for percent, 0 otherwise
 */
value: number
/**
 * What the customer pays upfront
 */
amount: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}
bufferBeforeMinutes: number
bufferAfterMinutes: number
active: boolean
}[]
barbers: {
id: string
displayName: string
bio: string
active: boolean
/**
 * Services this barber performs; empty means all
 */
serviceIds: string[]
}[]
}

export interface GetShopsShopIdAvailabilityQuery {
serviceId: string
from: string
to: string
barberId?: string
}

export interface GetShopsShopIdAvailabilityResponse {
shopId: string
serviceId: string
timezone: string
from: string
to: string
barberId: (string | null)
durationMinutes: number
slots: {
/**
 * ISO-8601 with the shop’s UTC offset
 */
start: string
end: string
barberId: string
availableBarberIds: string[]
}[]
}

export type GetShopsShopIdBarbersResponse = {
id: string
displayName: string
bio: string
active: boolean
/**
 * Services this barber performs; empty means all
 */
serviceIds: string[]
}[]

export interface PostShopsShopIdBarbersBody {
displayName: string
bio?: string
/**
 * A provider account that works as this barber
 */
userId?: string
/**
 * @maxItems 100
 */
serviceIds?: string[]
}

export interface PostShopsShopIdBarbersResponse {
id: string
displayName: string
bio: string
active: boolean
/**
 * Services this barber performs; empty means all
 */
serviceIds: string[]
}

export interface PatchShopsShopIdBarbersBarberIdBody {
displayName?: string
bio?: string
active?: boolean
/**
 * @maxItems 100
 */
serviceIds?: string[]
}

export interface PatchShopsShopIdBarbersBarberIdResponse {
id: string
displayName: string
bio: string
active: boolean
/**
 * Services this barber performs; empty means all
 */
serviceIds: string[]
}

export type GetShopsShopIdBarbersBarberIdOverridesResponse = {
id: string
date: string
ranges: {
start: string
end: string
}[]
note: string
}[]

export interface PutShopsShopIdBarbersBarberIdOverridesBody {
date: string
/**
 * Working ranges that day; empty = closed
 * 
 * @maxItems 10
 */
ranges: []|[{
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}]|[{
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}, {
start: string
end: string
}]
note?: string
}

export interface PutShopsShopIdBarbersBarberIdOverridesResponse {
id: string
date: string
ranges: {
start: string
end: string
}[]
note: string
}

/**
 * weekday: 0 = domingo … 6 = sábado; times are wall-clock in the shop timezone
 */
export interface GetShopsShopIdBarbersBarberIdScheduleResponse {
/**
 * @maxItems 70
 */
hours: {
start: string
end: string
weekday: number
}[]
/**
 * @maxItems 70
 */
breaks: {
start: string
end: string
weekday: number
}[]
}

/**
 * weekday: 0 = domingo … 6 = sábado; times are wall-clock in the shop timezone
 */
export interface PutShopsShopIdBarbersBarberIdScheduleBody {
/**
 * @maxItems 70
 */
hours: {
start: string
end: string
weekday: number
}[]
/**
 * @maxItems 70
 */
breaks: {
start: string
end: string
weekday: number
}[]
}

/**
 * weekday: 0 = domingo … 6 = sábado; times are wall-clock in the shop timezone
 */
export interface PutShopsShopIdBarbersBarberIdScheduleResponse {
/**
 * @maxItems 70
 */
hours: {
start: string
end: string
weekday: number
}[]
/**
 * @maxItems 70
 */
breaks: {
start: string
end: string
weekday: number
}[]
}

export type GetShopsShopIdBarbersBarberIdTimeOffResponse = {
id: string
startsAt: string
endsAt: string
reason: string
}[]

export interface PostShopsShopIdBarbersBarberIdTimeOffBody {
startsAt: string
endsAt: string
reason?: string
}

export interface PostShopsShopIdBarbersBarberIdTimeOffResponse {
id: string
startsAt: string
endsAt: string
reason: string
conflictingBookings: number
}

export interface GetShopsShopIdFiscalSettingsResponse {
shopId: string
pointOfSale: number
businessName: string
grossIncomeRegistration: string
activityStartDate: string
environment: ("homologation" | "production" | "sandbox")
enabled: boolean
certificate: ({
subject: string
cuit: (string | null)
notBefore: string
notAfter: string
fingerprint256: string
} | null)
hasPrivateKey: boolean
updatedAt: string
}

export interface PutShopsShopIdFiscalSettingsBody {
pointOfSale: number
/**
 * Razón social
 */
businessName: string
/**
 * Ingresos Brutos, as printed
 */
grossIncomeRegistration: string
/**
 * Inicio de actividades
 */
activityStartDate: string
certificatePem: string
/**
 * Write-only. Required the first time; omit to keep the stored key
 */
privateKeyPem?: string
environment: ("homologation" | "production" | "sandbox")
enabled?: boolean
}

export interface PutShopsShopIdFiscalSettingsResponse {
shopId: string
pointOfSale: number
businessName: string
grossIncomeRegistration: string
activityStartDate: string
environment: ("homologation" | "production" | "sandbox")
enabled: boolean
certificate: ({
subject: string
cuit: (string | null)
notBefore: string
notAfter: string
fingerprint256: string
} | null)
hasPrivateKey: boolean
updatedAt: string
}

export interface GetShopsShopIdInvoicesQuery {
status?: ("pending" | "issuing" | "authorized" | "rejected")
page?: number
pageSize?: number
}

export interface GetShopsShopIdInvoicesResponse {
items: {
id: string
kind: ("invoice" | "credit_note")
/**
 * pending: waiting to be sent to AFIP; issuing: sent, outcome being confirmed; authorized: has a CAE; rejected: AFIP (or a local check) refused it
 */
status: ("pending" | "issuing" | "authorized" | "rejected")
shopId: string
bookingId: (string | null)
/**
 * For a credit note: the invoice it credits (CbtesAsoc)
 */
associatedInvoiceId: (string | null)
voucher: {
/**
 * AFIP CbteTipo: 1/6/11 Factura A/B/C, 3/8/13 their credit notes
 */
type: number
class: ("A" | "B" | "C")
name: string
}
pointOfSale: (number | null)
number: (number | null)
/**
 * 00001-00000023
 */
formattedNumber: (string | null)
issueDate: (string | null)
total: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
net: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
iva: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
receiver: {
kind: ("consumidor_final" | "dni" | "cuil" | "cuit")
name: (string | null)
document: (string | null)
ivaCondition: (string | null)
}
cae: (string | null)
caeExpiresOn: (string | null)
/**
 * AFIP verification link carried by the QR code
 */
qrUrl: (string | null)
pdfUrl: (string | null)
pendingReason: (string | null)
rejection: ({
reason: string
errors: {
code: number
message: string
}[]
observations: {
code: number
message: string
}[]
} | null)
createdAt: string
authorizedAt: (string | null)
}[]
page: number
pageSize: number
total: number
}

export interface GetShopsShopIdMercadopagoAuthorizationResponse {
authorizationUrl: string
}

export interface GetShopsShopIdPayoutsQuery {
from: string
to: string
}

export interface GetShopsShopIdPayoutsResponse {
shopId: string
from: string
to: string
timezone: string
/**
 * Owed to the shop when the period began (negative: owed by it)
 */
openingBalance: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
grossCollected: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
mercadopagoFees: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
platformCommission: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
refunds: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
chargebacks: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
other: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
/**
 * gross − fees − commission − refunds − chargebacks − other
 */
netPayable: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
paidOut: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
/**
 * opening + net payable − paid out: owed to the shop at the end of the period
 */
balance: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}

export interface GetShopsShopIdReviewsQuery {
page?: number
pageSize?: number
}

export interface GetShopsShopIdReviewsResponse {
items: {
id: string
rating: number
comment: string
barberId: string
barberName: string
/**
 * First name and initial only
 */
customerName: string
createdAt: string
}[]
}

export type GetShopsShopIdServicesResponse = {
id: string
name: string
description: string
durationMinutes: number
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
kind: ("none" | "fixed" | "percent" | "full")
/**
 * centavos for fixed, percent for percent, 0 otherwise
 */
value: number
/**
 * What the customer pays upfront
 */
amount: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}
bufferBeforeMinutes: number
bufferAfterMinutes: number
active: boolean
}[]

export interface PostShopsShopIdServicesBody {
name: string
description?: string
durationMinutes: number
priceCents: number
deposit?: {
kind: ("none" | "fixed" | "percent" | "full")
value?: number
}
bufferBeforeMinutes?: number
bufferAfterMinutes?: number
}

export interface PostShopsShopIdServicesResponse {
id: string
name: string
description: string
durationMinutes: number
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
kind: ("none" | "fixed" | "percent" | "full")
/**
 * centavos for fixed, percent for percent, 0 otherwise
 */
value: number
/**
 * What the customer pays upfront
 */
amount: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}
bufferBeforeMinutes: number
bufferAfterMinutes: number
active: boolean
}

export interface PatchShopsShopIdServicesServiceIdBody {
name?: string
description?: string
durationMinutes?: number
priceCents?: number
deposit?: {
kind: ("none" | "fixed" | "percent" | "full")
value?: number
}
bufferBeforeMinutes?: number
bufferAfterMinutes?: number
active?: boolean
}

export interface PatchShopsShopIdServicesServiceIdResponse {
id: string
name: string
description: string
durationMinutes: number
price: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
deposit: {
kind: ("none" | "fixed" | "percent" | "full")
/**
 * centavos for fixed, percent for percent, 0 otherwise
 */
value: number
/**
 * What the customer pays upfront
 */
amount: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
}
bufferBeforeMinutes: number
bufferAfterMinutes: number
active: boolean
}

export interface PostWebhooksMercadopagoQuery {
"data.id"?: string
type?: string
id?: string
topic?: string
}

export interface PostWebhooksMercadopagoBody {
type?: string
action?: string
user_id?: (string | number)
data?: {
id: (string | number)
}
}

export interface PostWebhooksMercadopagoResponse {
received: true
}

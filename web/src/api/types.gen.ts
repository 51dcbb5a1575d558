// Generated from /openapi.json by `npm run generate:api`. Do not edit; CI checks it is current.

export interface ApiOperations {
  'GET /api/v1/admin/analytics/daily': { response: GetAdminAnalyticsDailyResponse };
  'GET /api/v1/admin/analytics/regional': { response: GetAdminAnalyticsRegionalResponse };
  'GET /api/v1/admin/analytics/rollups': { query: GetAdminAnalyticsRollupsQuery; response: GetAdminAnalyticsRollupsResponse };
  'GET /api/v1/admin/audit/verify': { response: GetAdminAuditVerifyResponse };
  'GET /api/v1/admin/dashboards/business': { query?: GetAdminDashboardsBusinessQuery; response: GetAdminDashboardsBusinessResponse };
  'GET /api/v1/admin/dashboards/executive': { query?: GetAdminDashboardsExecutiveQuery; response: GetAdminDashboardsExecutiveResponse };
  'GET /api/v1/admin/dashboards/operational': { query?: GetAdminDashboardsOperationalQuery; response: GetAdminDashboardsOperationalResponse };
  'GET /api/v1/admin/dashboards/security': { response: GetAdminDashboardsSecurityResponse };
  'GET /api/v1/admin/incidents': { query?: GetAdminIncidentsQuery; response: GetAdminIncidentsResponse };
  'POST /api/v1/admin/incidents': { body: PostAdminIncidentsBody; response: PostAdminIncidentsResponse };
  'GET /api/v1/admin/incidents/metrics': { query?: GetAdminIncidentsMetricsQuery; response: GetAdminIncidentsMetricsResponse };
  'GET /api/v1/admin/incidents/{id}': { response: GetAdminIncidentsIdResponse };
  'POST /api/v1/admin/incidents/{id}/acknowledge': { body: PostAdminIncidentsIdAcknowledgeBody; response: PostAdminIncidentsIdAcknowledgeResponse };
  'POST /api/v1/admin/incidents/{id}/resolve': { body: PostAdminIncidentsIdResolveBody; response: PostAdminIncidentsIdResolveResponse };
  'GET /api/v1/admin/invoicing/health': { response: GetAdminInvoicingHealthResponse };
  'GET /api/v1/admin/ledger/check': { response: GetAdminLedgerCheckResponse };
  'GET /api/v1/admin/ledger/trial-balance': { response: GetAdminLedgerTrialBalanceResponse };
  'GET /api/v1/admin/ops/data-protection': { response: GetAdminOpsDataProtectionResponse };
  'GET /api/v1/admin/ops/db-performance': { response: GetAdminOpsDbPerformanceResponse };
  'GET /api/v1/admin/ops/financial-documents': { response: GetAdminOpsFinancialDocumentsResponse };
  'GET /api/v1/admin/ops/migrations': { response: GetAdminOpsMigrationsResponse };
  'POST /api/v1/admin/ops/recovery': { body: PostAdminOpsRecoveryBody; response: PostAdminOpsRecoveryResponse };
  'GET /api/v1/admin/ops/usage': { response: GetAdminOpsUsageResponse };
  'GET /api/v1/admin/privacy/requests': { query?: GetAdminPrivacyRequestsQuery; response: GetAdminPrivacyRequestsResponse };
  'POST /api/v1/admin/privacy/requests/{id}/answer': { body: PostAdminPrivacyRequestsIdAnswerBody; response: PostAdminPrivacyRequestsIdAnswerResponse };
  'GET /api/v1/admin/privacy/summary': { response: GetAdminPrivacySummaryResponse };
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
  'GET /api/v1/bookings/{id}/calendar.ics': { response: GetBookingsIdCalendarIcsResponse };
  'POST /api/v1/bookings/{id}/cancel': { body: PostBookingsIdCancelBody; response: PostBookingsIdCancelResponse };
  'POST /api/v1/bookings/{id}/checkout': { response: PostBookingsIdCheckoutResponse };
  'POST /api/v1/bookings/{id}/complete': { response: PostBookingsIdCompleteResponse };
  'POST /api/v1/bookings/{id}/confirm': { response: PostBookingsIdConfirmResponse };
  'GET /api/v1/bookings/{id}/invoices': { response: GetBookingsIdInvoicesResponse };
  'POST /api/v1/bookings/{id}/no-show': { response: PostBookingsIdNoShowResponse };
  'POST /api/v1/bookings/{id}/reschedule': { body: PostBookingsIdRescheduleBody; response: PostBookingsIdRescheduleResponse };
  'POST /api/v1/bookings/{id}/review': { body: PostBookingsIdReviewBody; response: PostBookingsIdReviewResponse };
  'GET /api/v1/cities': { response: GetCitiesResponse };
  'GET /api/v1/invoices/{id}': { response: GetInvoicesIdResponse };
  'GET /api/v1/invoices/{id}/pdf': { response: GetInvoicesIdPdfResponse };
  'POST /api/v1/invoices/{id}/retry': { response: PostInvoicesIdRetryResponse };
  'GET /api/v1/me': { response: GetMeResponse };
  'GET /api/v1/me/consents': { response: GetMeConsentsResponse };
  'PUT /api/v1/me/consents': { body: PutMeConsentsBody; response: PutMeConsentsResponse };
  'GET /api/v1/me/data-export': { response: GetMeDataExportResponse };
  'POST /api/v1/me/deletion': { body: PostMeDeletionBody; response: PostMeDeletionResponse };
  'GET /api/v1/me/notification-preferences': { response: GetMeNotificationPreferencesResponse };
  'PUT /api/v1/me/notification-preferences': { body: PutMeNotificationPreferencesBody; response: PutMeNotificationPreferencesResponse };
  'GET /api/v1/me/privacy-requests': { response: GetMePrivacyRequestsResponse };
  'POST /api/v1/me/rectification': { body: PostMeRectificationBody; response: PostMeRectificationResponse };
  'GET /api/v1/mercadopago/oauth/callback': { query: GetMercadopagoOauthCallbackQuery; response: GetMercadopagoOauthCallbackResponse };
  'POST /api/v1/ops/alertmanager': { body: PostOpsAlertmanagerBody; response: PostOpsAlertmanagerResponse };
  'POST /api/v1/public/cancellation': { body: PostPublicCancellationBody; response: PostPublicCancellationResponse };
  'GET /api/v1/public/legal-documents': { response: GetPublicLegalDocumentsResponse };
  'POST /api/v1/public/withdrawal': { body: PostPublicWithdrawalBody; response: PostPublicWithdrawalResponse };
  'GET /api/v1/shops': { query?: GetShopsQuery; response: GetShopsResponse };
  'POST /api/v1/shops': { body: PostShopsBody; response: PostShopsResponse };
  'GET /api/v1/shops/{shopId}': { response: GetShopsShopIdResponse };
  'PATCH /api/v1/shops/{shopId}': { body: PatchShopsShopIdBody; response: PatchShopsShopIdResponse };
  'GET /api/v1/shops/{shopId}/agenda': { query: GetShopsShopIdAgendaQuery; response: GetShopsShopIdAgendaResponse };
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
  'GET /api/v1/shops/{shopId}/mercadopago': { response: GetShopsShopIdMercadopagoResponse };
  'GET /api/v1/shops/{shopId}/mercadopago/authorization': { response: GetShopsShopIdMercadopagoAuthorizationResponse };
  'GET /api/v1/shops/{shopId}/payouts': { query: GetShopsShopIdPayoutsQuery; response: GetShopsShopIdPayoutsResponse };
  'GET /api/v1/shops/{shopId}/reviews': { query?: GetShopsShopIdReviewsQuery; response: GetShopsShopIdReviewsResponse };
  'GET /api/v1/shops/{shopId}/services': { response: GetShopsShopIdServicesResponse };
  'POST /api/v1/shops/{shopId}/services': { body: PostShopsShopIdServicesBody; response: PostShopsShopIdServicesResponse };
  'PATCH /api/v1/shops/{shopId}/services/{serviceId}': { body: PatchShopsShopIdServicesServiceIdBody; response: PatchShopsShopIdServicesServiceIdResponse };
  'GET /api/v1/shops/{shopId}/utilization': { query: GetShopsShopIdUtilizationQuery; response: GetShopsShopIdUtilizationResponse };
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

export interface GetAdminDashboardsBusinessQuery {
days?: number
}

export interface GetAdminDashboardsBusinessResponse {
window: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
from: string
/**
 * Argentine calendar day, YYYY-MM-DD
 */
to: string
days: number
timezone: string
}
dailySummary: {
query: string
rows: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
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
regional: {
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
}

export interface GetAdminDashboardsExecutiveQuery {
days?: number
}

export interface GetAdminDashboardsExecutiveResponse {
window: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
from: string
/**
 * Argentine calendar day, YYYY-MM-DD
 */
to: string
days: number
timezone: string
}
/**
 * Distinct users who signed in or renewed a session (refresh_tokens rows) per Argentine day
 */
dailyActiveUsers: {
days: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
day: string
users: number
}[]
distinctUsers: number
}
/**
 * Money collected through MercadoPago (approved payments, net of refunds) per Argentine day of approval
 */
revenue: {
days: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
day: string
collectedCents: number
payments: number
}[]
totalCents: number
/**
 * REVENUE_TARGET_DAILY_CENTAVOS; null when not configured
 */
targetDailyCents: (number | null)
}
/**
 * Customer reviews (1–5) written per Argentine day
 */
satisfaction: {
days: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
day: string
reviews: number
average: (number | null)
}[]
distribution: {
rating: number
reviews: number
}[]
reviews: number
average: (number | null)
target: number
}
/**
 * From http_request_duration_seconds (quantiles interpolated from the buckets, as PromQL histogram_quantile)
 */
performance: {
/**
 * Counters and histograms of the API process that answered, since it started
 */
scope: "process"
/**
 * When those counters started (process start)
 */
since: string
requests: number
p50Ms: (number | null)
p95Ms: (number | null)
/**
 * The 95th percentile is past the last histogram bucket: the real value is higher
 */
p95AboveLastBucket: boolean
serverErrors: number
/**
 * 0..1; null when there is nothing to divide by
 */
serverErrorRate: (number | null)
/**
 * The runbook’s targets
 */
targets: {
p95Ms: number
serverErrorRate: number
}
}
}

export interface GetAdminDashboardsOperationalQuery {
days?: number
}

export interface GetAdminDashboardsOperationalResponse {
window: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
from: string
/**
 * Argentine calendar day, YYYY-MM-DD
 */
to: string
days: number
timezone: string
}
metrics: {
/**
 * Counters and histograms of the API process that answered, since it started
 */
scope: "process"
/**
 * When those counters started (process start)
 */
since: string
requests: number
serverErrors: number
clientErrors: number
/**
 * 0..1; null when there is nothing to divide by
 */
serverErrorRate: (number | null)
regions: {
/**
 * Provider region of the shop a request concerned; "none" for requests about no shop
 */
region: string
requests: number
p50Ms: (number | null)
p95Ms: (number | null)
p95AboveLastBucket: boolean
serverErrors: number
/**
 * 0..1; null when there is nothing to divide by
 */
serverErrorRate: (number | null)
}[]
statusClasses: {
statusClass: string
count: number
}[]
topErrors: {
method: string
route: string
statusClass: string
code: string
count: number
}[]
/**
 * The runbook’s targets
 */
targets: {
p95Ms: number
serverErrorRate: number
}
}
/**
 * Booked minutes (confirmed, completed, no-show) over scheduled working minutes, per active shop
 */
utilization: {
past: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
from: string
/**
 * Argentine calendar day, YYYY-MM-DD
 */
to: string
}
upcoming: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
from: string
/**
 * Argentine calendar day, YYYY-MM-DD
 */
to: string
}
band: {
low: number
high: number
}
shops: {
shopId: string
name: string
city: string
region: string
past: {
scheduledMinutes: number
bookedMinutes: number
/**
 * 0..1; null when there is nothing to divide by
 */
ratio: (number | null)
}
upcoming: {
scheduledMinutes: number
bookedMinutes: number
/**
 * 0..1; null when there is nothing to divide by
 */
ratio: (number | null)
}
}[]
}
/**
 * Payments started per Argentine day by outcome (payments table)
 */
payments: {
days: {
/**
 * Argentine calendar day, YYYY-MM-DD
 */
day: string
succeeded: number
failed: number
open: number
}[]
succeeded: number
failed: number
/**
 * 0..1; null when there is nothing to divide by
 */
successRate: (number | null)
target: number
}
}

export interface GetAdminDashboardsSecurityResponse {
/**
 * Counters and histograms of the API process that answered, since it started
 */
scope: "process"
/**
 * When those counters started (process start)
 */
since: string
/**
 * 401 answers to POST /api/v1/auth/login
 */
failedLogins: number
failedLoginsPerHour: number
/**
 * Logins refused while locked out (429 login_locked)
 */
lockedOutAttempts: number
/**
 * Lockouts started (barberpro_account_lockouts_total)
 */
lockouts: {
account: number
ip: number
}
/**
 * Requests refused by the rate limiter (429 rate_limited)
 */
rateLimited: number
rateLimitedByRoute: {
route: string
count: number
}[]
/**
 * MercadoPago webhooks refused for their signature
 */
signatureFailures: {
reason: string
count: number
}[]
targets: {
failedLoginsPerHour: number
}
}

export interface GetAdminIncidentsQuery {
status?: ("open" | "acknowledged" | "resolved")
}

export interface GetAdminIncidentsResponse {
items: {
id: string
title: string
/**
 * The runbook’s classes: Critical < 5 min, High < 15 min, Medium < 1 h, Low < 24 h
 */
severity: ("critical" | "high" | "medium" | "low")
status: ("open" | "acknowledged" | "resolved")
openedAt: string
acknowledgedAt: (string | null)
resolvedAt: (string | null)
/**
 * Escalation levels paged so far (1 = DevOps Team)
 */
escalationLevel: number
source: ("alertmanager" | "manual")
/**
 * resolvedAt − openedAt, once resolved
 */
mttrSeconds: (number | null)
}[]
}

export interface PostAdminIncidentsBody {
title: string
/**
 * The runbook’s classes: Critical < 5 min, High < 15 min, Medium < 1 h, Low < 24 h
 */
severity: ("critical" | "high" | "medium" | "low")
description?: string
}

export interface PostAdminIncidentsResponse {
id: string
title: string
/**
 * The runbook’s classes: Critical < 5 min, High < 15 min, Medium < 1 h, Low < 24 h
 */
severity: ("critical" | "high" | "medium" | "low")
status: ("open" | "acknowledged" | "resolved")
openedAt: string
acknowledgedAt: (string | null)
resolvedAt: (string | null)
/**
 * Escalation levels paged so far (1 = DevOps Team)
 */
escalationLevel: number
source: ("alertmanager" | "manual")
/**
 * resolvedAt − openedAt, once resolved
 */
mttrSeconds: (number | null)
description: (string | null)
/**
 * When the condition began (the earliest alert’s startsAt); openedAt for manual incidents
 */
detectedAt: string
/**
 * acknowledgedAt − openedAt
 */
mttaSeconds: (number | null)
resolvedVia: (("alert" | "operator") | null)
resolutionNote: (string | null)
nextEscalation: ({
level: number
target: string
dueAt: string
} | null)
timeline: {
at: string
kind: string
detail: string
}[]
}

export interface GetAdminIncidentsMetricsQuery {
days?: number
}

export interface GetAdminIncidentsMetricsResponse {
days: number
/**
 * Incidents opened in the window
 */
count: number
bySeverity: {
critical: number
high: number
medium: number
low: number
}
/**
 * Mean time to resolve of those resolved; null when none
 */
mttrSeconds: (number | null)
/**
 * Mean time to acknowledge of those acknowledged; null when none
 */
mttaSeconds: (number | null)
/**
 * Mean time from the condition starting to the incident opening (Alertmanager incidents)
 */
mttdSeconds: (number | null)
resolved: number
/**
 * Resolved because Alertmanager reported the condition gone
 */
autoResolved: number
details: {
critical: {
count: number
resolved: number
mttrSeconds: (number | null)
mttaSeconds: (number | null)
}
high: {
count: number
resolved: number
mttrSeconds: (number | null)
mttaSeconds: (number | null)
}
medium: {
count: number
resolved: number
mttrSeconds: (number | null)
mttaSeconds: (number | null)
}
low: {
count: number
resolved: number
mttrSeconds: (number | null)
mttaSeconds: (number | null)
}
}
}

export interface GetAdminIncidentsIdResponse {
id: string
title: string
/**
 * The runbook’s classes: Critical < 5 min, High < 15 min, Medium < 1 h, Low < 24 h
 */
severity: ("critical" | "high" | "medium" | "low")
status: ("open" | "acknowledged" | "resolved")
openedAt: string
acknowledgedAt: (string | null)
resolvedAt: (string | null)
/**
 * Escalation levels paged so far (1 = DevOps Team)
 */
escalationLevel: number
source: ("alertmanager" | "manual")
/**
 * resolvedAt − openedAt, once resolved
 */
mttrSeconds: (number | null)
description: (string | null)
/**
 * When the condition began (the earliest alert’s startsAt); openedAt for manual incidents
 */
detectedAt: string
/**
 * acknowledgedAt − openedAt
 */
mttaSeconds: (number | null)
resolvedVia: (("alert" | "operator") | null)
resolutionNote: (string | null)
nextEscalation: ({
level: number
target: string
dueAt: string
} | null)
timeline: {
at: string
kind: string
detail: string
}[]
}

export interface PostAdminIncidentsIdAcknowledgeBody {
note?: string
}

export interface PostAdminIncidentsIdAcknowledgeResponse {
id: string
title: string
/**
 * The runbook’s classes: Critical < 5 min, High < 15 min, Medium < 1 h, Low < 24 h
 */
severity: ("critical" | "high" | "medium" | "low")
status: ("open" | "acknowledged" | "resolved")
openedAt: string
acknowledgedAt: (string | null)
resolvedAt: (string | null)
/**
 * Escalation levels paged so far (1 = DevOps Team)
 */
escalationLevel: number
source: ("alertmanager" | "manual")
/**
 * resolvedAt − openedAt, once resolved
 */
mttrSeconds: (number | null)
description: (string | null)
/**
 * When the condition began (the earliest alert’s startsAt); openedAt for manual incidents
 */
detectedAt: string
/**
 * acknowledgedAt − openedAt
 */
mttaSeconds: (number | null)
resolvedVia: (("alert" | "operator") | null)
resolutionNote: (string | null)
nextEscalation: ({
level: number
target: string
dueAt: string
} | null)
timeline: {
at: string
kind: string
detail: string
}[]
}

export interface PostAdminIncidentsIdResolveBody {
note: string
}

export interface PostAdminIncidentsIdResolveResponse {
id: string
title: string
/**
 * The runbook’s classes: Critical < 5 min, High < 15 min, Medium < 1 h, Low < 24 h
 */
severity: ("critical" | "high" | "medium" | "low")
status: ("open" | "acknowledged" | "resolved")
openedAt: string
acknowledgedAt: (string | null)
resolvedAt: (string | null)
/**
 * Escalation levels paged so far (1 = DevOps Team)
 */
escalationLevel: number
source: ("alertmanager" | "manual")
/**
 * resolvedAt − openedAt, once resolved
 */
mttrSeconds: (number | null)
description: (string | null)
/**
 * When the condition began (the earliest alert’s startsAt); openedAt for manual incidents
 */
detectedAt: string
/**
 * acknowledgedAt − openedAt
 */
mttaSeconds: (number | null)
resolvedVia: (("alert" | "operator") | null)
resolutionNote: (string | null)
nextEscalation: ({
level: number
target: string
dueAt: string
} | null)
timeline: {
at: string
kind: string
detail: string
}[]
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

export interface GetAdminOpsDataProtectionResponse {
checkedAt: string
columns: {
table: string
column: string
personal: boolean
total: number
byKeyId: {
[k: string]: number | undefined
}
legacy: number
legacyByKeyId: {
[k: string]: number | undefined
}
plaintext: number
}[]
keyRing?: {
current: string
configured: string[]
}
lastRetentionRun: ({
startedAt: string
finishedAt: (string | null)
counts: {
[k: string]: number | undefined
}
errors: {
[k: string]: string | undefined
}
} | null)
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

export interface GetAdminOpsMigrationsResponse {
applied: {
name: string
appliedAt: string
}[]
}

export interface PostAdminOpsRecoveryBody {
dryRun: boolean
/**
 * @minItems 1
 * @maxItems 4
 */
actions?: [("dead-letters" | "expired-holds" | "invoices" | "payments")]|[("dead-letters" | "expired-holds" | "invoices" | "payments"), ("dead-letters" | "expired-holds" | "invoices" | "payments")]|[("dead-letters" | "expired-holds" | "invoices" | "payments"), ("dead-letters" | "expired-holds" | "invoices" | "payments"), ("dead-letters" | "expired-holds" | "invoices" | "payments")]|[("dead-letters" | "expired-holds" | "invoices" | "payments"), ("dead-letters" | "expired-holds" | "invoices" | "payments"), ("dead-letters" | "expired-holds" | "invoices" | "payments"), ("dead-letters" | "expired-holds" | "invoices" | "payments")]
/**
 * Record each action done on this incident’s timeline
 */
incidentId?: string
}

export interface PostAdminOpsRecoveryResponse {
dryRun: boolean
actions: {
action: ("dead-letters" | "expired-holds" | "invoices" | "payments")
found: number
done: number
detail: string
}[]
}

export interface GetAdminOpsUsageResponse {
measuredAt: string
databaseBytes: number
users: {
customer: number
provider: number
admin: number
}
activeCustomers30d: number
bookingsCreated30d: number
paymentsApproved30d: number
}

export interface GetAdminPrivacyRequestsQuery {
status?: ("open" | "overdue" | "due_soon" | "all" | "received" | "in_review" | "completed" | "rejected")
kind?: ("access" | "rectification" | "deletion" | "withdrawal" | "cancellation")
page?: number
pageSize?: number
}

export interface GetAdminPrivacyRequestsResponse {
items: {
id: string
/**
 * Give this code to follow the request up
 */
procedureCode: string
kind: ("access" | "rectification" | "deletion" | "withdrawal" | "cancellation")
/**
 * received/in_review: open (in_review also blocks the data); completed/rejected: answered
 */
status: ("received" | "in_review" | "completed" | "rejected")
receivedAt: string
/**
 * The legal deadline for the answer
 */
dueAt: string
answeredAt: (string | null)
answer: (string | null)
/**
 * For a rectification: which account fields it changed
 */
fields: string[]
userId: (string | null)
contactEmail: (string | null)
bookingId: (string | null)
/**
 * What the requester wrote, when anything
 */
description: (string | null)
deadline: ("on_time" | "due_soon" | "overdue" | "answered")
reviewReasons: string[]
}[]
page: number
pageSize: number
}

export interface PostAdminPrivacyRequestsIdAnswerBody {
/**
 * completed on a deletion under review carries it out
 */
outcome: ("completed" | "rejected")
/**
 * What the requester is told
 */
answer: string
}

export interface PostAdminPrivacyRequestsIdAnswerResponse {
id: string
/**
 * Give this code to follow the request up
 */
procedureCode: string
kind: ("access" | "rectification" | "deletion" | "withdrawal" | "cancellation")
/**
 * received/in_review: open (in_review also blocks the data); completed/rejected: answered
 */
status: ("received" | "in_review" | "completed" | "rejected")
receivedAt: string
/**
 * The legal deadline for the answer
 */
dueAt: string
answeredAt: (string | null)
answer: (string | null)
/**
 * For a rectification: which account fields it changed
 */
fields: string[]
userId: (string | null)
contactEmail: (string | null)
bookingId: (string | null)
/**
 * What the requester wrote, when anything
 */
description: (string | null)
deadline: ("on_time" | "due_soon" | "overdue" | "answered")
reviewReasons: string[]
}

export interface GetAdminPrivacySummaryResponse {
generatedAt: string
requests: {
open: number
inReview: number
/**
 * Open and due within 24 hours
 */
dueSoon: number
overdue: number
answered: number
answeredLate: number
openByKind: {
[k: string]: number | undefined
}
mostOverdue: ({
procedureCode: string
kind: ("access" | "rectification" | "deletion" | "withdrawal" | "cancellation")
dueAt: string
} | null)
}
consent: {
termsVersion: string
privacyNoticeVersion: string
/**
 * Customer and provider accounts not deleted
 */
accounts: number
acceptedCurrentTerms: number
acceptedCurrentPrivacyNotice: number
/**
 * Share of accounts that accepted both versions in force; null with no accounts
 */
coverage: (number | null)
marketingOptIns: number
}
/**
 * Business-day deadlines cannot be computed past this day
 */
holidayTableCoversUntil: string
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
/**
 * Versions in force the user has not accepted: ask them to accept again (PUT /api/v1/me/consents)
 */
pendingConsents: {
document: ("terms" | "privacy_notice")
version: string
effectiveDate: string
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
/**
 * Versions in force the user has not accepted: ask them to accept again (PUT /api/v1/me/consents)
 */
pendingConsents: {
document: ("terms" | "privacy_notice")
version: string
effectiveDate: string
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
/**
 * Acceptance of the terms and privacy notice in force (GET /api/v1/public/legal-documents); recorded with its versions
 */
acceptTerms: true
/**
 * Promotional messages, a separate choice; false when omitted
 */
marketingOptIn?: boolean
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
/**
 * Versions in force the user has not accepted: ask them to accept again (PUT /api/v1/me/consents)
 */
pendingConsents: {
document: ("terms" | "privacy_notice")
version: string
effectiveDate: string
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

/**
 * text/calendar
 */
export type GetBookingsIdCalendarIcsResponse = string

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

export interface GetCitiesResponse {
items: {
city: string
province: string
/**
 * Open shops in this city
 */
shops: number
}[]
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
/**
 * Versions in force the user has not accepted: ask them to accept again (PUT /api/v1/me/consents)
 */
pendingConsents: {
document: ("terms" | "privacy_notice")
version: string
effectiveDate: string
}[]
createdAt: string
}

export interface GetMeConsentsResponse {
marketingOptIn: boolean
current: {
terms: {
version: string
effectiveDate: string
}
privacyNotice: {
version: string
effectiveDate: string
}
}
accepted: {
terms: ({
version: string
recordedAt: string
} | null)
privacyNotice: ({
version: string
recordedAt: string
} | null)
}
pending: {
document: ("terms" | "privacy_notice")
version: string
effectiveDate: string
}[]
history: {
document: ("terms" | "privacy_notice" | "marketing")
version: string
granted: boolean
source: string
recordedAt: string
}[]
}

export interface PutMeConsentsBody {
/**
 * Promotional messages
 */
marketingOptIn?: boolean
/**
 * Versions in force being accepted (the ids GET /api/v1/public/legal-documents gives)
 * 
 * @maxItems 4
 */
acceptVersions?: []|[string]|[string, string]|[string, string, string]|[string, string, string, string]
}

export interface PutMeConsentsResponse {
marketingOptIn: boolean
current: {
terms: {
version: string
effectiveDate: string
}
privacyNotice: {
version: string
effectiveDate: string
}
}
accepted: {
terms: ({
version: string
recordedAt: string
} | null)
privacyNotice: ({
version: string
recordedAt: string
} | null)
}
pending: {
document: ("terms" | "privacy_notice")
version: string
effectiveDate: string
}[]
history: {
document: ("terms" | "privacy_notice" | "marketing")
version: string
granted: boolean
source: string
recordedAt: string
}[]
}

/**
 * Every piece of personal data BarberPro holds about the caller (Ley 25.326 art. 14)
 */
export interface GetMeDataExportResponse {
format: "barberpro-data-export/1"
generatedAt: string
account: {
id: string
email: string
fullName: string
phone: (string | null)
role: ("customer" | "provider" | "admin")
createdAt: string
shops: {
shopId: string
shopName: string
role: ("owner" | "barber")
}[]
}
bookings: {
id: string
shopName: string
serviceName: string
barberName: string
start: string
end: string
timezone: string
status: string
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
note: string
cancelledAt: (string | null)
cancelReason: (string | null)
createdAt: string
}[]
reviews: {
id: string
bookingId: string
shopName: string
rating: number
comment: string
createdAt: string
}[]
payments: {
id: string
bookingId: (string | null)
status: string
amount: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
refunded: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
createdAt: string
approvedAt: (string | null)
}[]
invoices: {
id: string
bookingId: (string | null)
kind: ("invoice" | "credit_note")
status: string
voucher: string
formattedNumber: (string | null)
issueDate: (string | null)
total: {
/**
 * Integer centavos
 */
amountCents: number
currency: "ARS"
}
cae: (string | null)
receiver: {
kind: string
name: (string | null)
document: (string | null)
}
pdfUrl: (string | null)
}[]
notificationPreferences: {
email: boolean
whatsapp: boolean
whatsappPhone: (string | null)
}
consents: {
document: ("terms" | "privacy_notice" | "marketing")
version: string
granted: boolean
source: string
recordedAt: string
}[]
/**
 * Items: A data-subject or consumer request and its legal deadline
 */
requests: {
id: string
/**
 * Give this code to follow the request up
 */
procedureCode: string
kind: ("access" | "rectification" | "deletion" | "withdrawal" | "cancellation")
/**
 * received/in_review: open (in_review also blocks the data); completed/rejected: answered
 */
status: ("received" | "in_review" | "completed" | "rejected")
receivedAt: string
/**
 * The legal deadline for the answer
 */
dueAt: string
answeredAt: (string | null)
answer: (string | null)
/**
 * For a rectification: which account fields it changed
 */
fields: string[]
}[]
}

export interface PostMeDeletionBody {
/**
 * Your current password, to confirm it is you
 */
password: string
confirm: true
}

/**
 * A data-subject or consumer request and its legal deadline
 */
export interface PostMeDeletionResponse {
id: string
/**
 * Give this code to follow the request up
 */
procedureCode: string
kind: ("access" | "rectification" | "deletion" | "withdrawal" | "cancellation")
/**
 * received/in_review: open (in_review also blocks the data); completed/rejected: answered
 */
status: ("received" | "in_review" | "completed" | "rejected")
receivedAt: string
/**
 * The legal deadline for the answer
 */
dueAt: string
answeredAt: (string | null)
answer: (string | null)
/**
 * For a rectification: which account fields it changed
 */
fields: string[]
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

export interface GetMePrivacyRequestsResponse {
/**
 * Items: A data-subject or consumer request and its legal deadline
 */
items: {
id: string
/**
 * Give this code to follow the request up
 */
procedureCode: string
kind: ("access" | "rectification" | "deletion" | "withdrawal" | "cancellation")
/**
 * received/in_review: open (in_review also blocks the data); completed/rejected: answered
 */
status: ("received" | "in_review" | "completed" | "rejected")
receivedAt: string
/**
 * The legal deadline for the answer
 */
dueAt: string
answeredAt: (string | null)
answer: (string | null)
/**
 * For a rectification: which account fields it changed
 */
fields: string[]
}[]
}

export interface PostMeRectificationBody {
fullName?: string
/**
 * Null removes it
 */
phone?: (string | null)
/**
 * Needs currentPassword
 */
email?: string
currentPassword?: string
/**
 * Anything else to rectify (e.g. an invoice’s billing data): reviewed by a person, and the data is blocked meanwhile
 */
otherData?: string
}

/**
 * A data-subject or consumer request and its legal deadline
 */
export interface PostMeRectificationResponse {
id: string
/**
 * Give this code to follow the request up
 */
procedureCode: string
kind: ("access" | "rectification" | "deletion" | "withdrawal" | "cancellation")
/**
 * received/in_review: open (in_review also blocks the data); completed/rejected: answered
 */
status: ("received" | "in_review" | "completed" | "rejected")
receivedAt: string
/**
 * The legal deadline for the answer
 */
dueAt: string
answeredAt: (string | null)
answer: (string | null)
/**
 * For a rectification: which account fields it changed
 */
fields: string[]
}

export interface GetMercadopagoOauthCallbackQuery {
code: string
state: string
}

export interface GetMercadopagoOauthCallbackResponse {
linked: true
shopId: string
}

export interface PostOpsAlertmanagerBody {
version: "4"
groupKey: string
truncatedAlerts?: number
status: ("firing" | "resolved")
receiver: string
groupLabels?: {
[k: string]: string | undefined
}
commonLabels?: {
[k: string]: string | undefined
}
commonAnnotations?: {
[k: string]: string | undefined
}
externalURL?: string
/**
 * @minItems 1
 * @maxItems 1000
 */
alerts: [{
status: ("firing" | "resolved")
labels: {
[k: string]: string | undefined
}
annotations?: {
[k: string]: string | undefined
}
startsAt: string
endsAt?: string
generatorURL?: string
fingerprint: string
}, ...({
status: ("firing" | "resolved")
labels: {
[k: string]: string | undefined
}
annotations?: {
[k: string]: string | undefined
}
startsAt: string
endsAt?: string
generatorURL?: string
fingerprint: string
})[]]
}

export interface PostOpsAlertmanagerResponse {
action: ("opened" | "updated" | "resolved" | "ignored")
incidentId: (string | null)
reason?: string
}

export interface PostPublicCancellationBody {
/**
 * The email of the account, or the one the booking was made with
 */
email: string
/**
 * The booking reference, when it is about one booking
 */
bookingId?: string
fullName?: string
reason?: string
}

export interface PostPublicCancellationResponse {
procedureCode: string
kind: ("withdrawal" | "cancellation")
receivedAt: string
/**
 * We answer by then (24 hours)
 */
dueAt: string
message: string
}

export interface GetPublicLegalDocumentsResponse {
terms: {
document: ("terms" | "privacy_notice")
version: string
effectiveDate: string
title: string
sections: {
heading: string
paragraphs: string[]
}[]
}
privacyNotice: {
document: ("terms" | "privacy_notice")
version: string
effectiveDate: string
title: string
sections: {
heading: string
paragraphs: string[]
}[]
}
/**
 * The Ley 25.326 notice every form collecting personal data shows
 */
legalNotice: string
}

export interface PostPublicWithdrawalBody {
/**
 * The email of the account, or the one the booking was made with
 */
email: string
/**
 * The booking reference, when it is about one booking
 */
bookingId?: string
fullName?: string
reason?: string
}

export interface PostPublicWithdrawalResponse {
procedureCode: string
kind: ("withdrawal" | "cancellation")
receivedAt: string
/**
 * We answer by then (24 hours)
 */
dueAt: string
message: string
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

export interface GetShopsShopIdAgendaQuery {
from: string
to: string
barberId?: string
}

export interface GetShopsShopIdAgendaResponse {
shopId: string
timezone: string
from: string
to: string
barbers: {
id: string
displayName: string
}[]
days: {
date: string
barberId: string
/**
 * Working time: weekly hours minus breaks, or the date override
 */
working: {
/**
 * ISO-8601 with the shop’s UTC offset
 */
start: string
end: string
}[]
breaks: {
/**
 * ISO-8601 with the shop’s UTC offset
 */
start: string
end: string
}[]
/**
 * A date override decided this day
 */
override: boolean
}[]
timeOff: {
/**
 * ISO-8601 with the shop’s UTC offset
 */
start: string
end: string
id: string
barberId: string
reason: string
}[]
bookings: {
/**
 * ISO-8601 with the shop’s UTC offset
 */
start: string
end: string
id: string
barberId: string
/**
 * pending = a hold waiting for the deposit
 */
status: ("pending" | "confirmed" | "completed" | "no_show")
serviceName: string
customerFirstName: string
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

export interface GetShopsShopIdMercadopagoResponse {
/**
 * BarberPro’s MercadoPago application is set up, so linking can start
 */
configured: boolean
status: ("unlinked" | "linked" | "revoked" | "refresh_failed")
/**
 * Last time the link was made or its tokens renewed
 */
linkedAt: (string | null)
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

export interface GetShopsShopIdUtilizationQuery {
from: string
to: string
}

export interface GetShopsShopIdUtilizationResponse {
shopId: string
timezone: string
from: string
to: string
/**
 * The runbook’s optimal range (75–85%)
 */
band: {
low: number
high: number
}
barbers: {
id: string
displayName: string
/**
 * Working time minus time off
 */
availableMinutes: number
/**
 * Confirmed, completed and no-show bookings inside the available time
 */
bookedMinutes: number
/**
 * booked / available; null without available time
 */
ratio: (number | null)
}[]
days: {
date: string
/**
 * Working time minus time off
 */
availableMinutes: number
/**
 * Confirmed, completed and no-show bookings inside the available time
 */
bookedMinutes: number
/**
 * booked / available; null without available time
 */
ratio: (number | null)
barbers: {
barberId: string
/**
 * Working time minus time off
 */
availableMinutes: number
/**
 * Confirmed, completed and no-show bookings inside the available time
 */
bookedMinutes: number
/**
 * booked / available; null without available time
 */
ratio: (number | null)
}[]
}[]
total: {
/**
 * Working time minus time off
 */
availableMinutes: number
/**
 * Confirmed, completed and no-show bookings inside the available time
 */
bookedMinutes: number
/**
 * booked / available; null without available time
 */
ratio: (number | null)
}
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

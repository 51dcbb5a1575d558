/**
 * AFIP (ARCA) endpoints. Homologation is AFIP's test environment (its own certificates, no
 * fiscal effect); production vouchers are real invoices.
 *
 * Production TLS: AFIP's production hosts have negotiated DH parameters that OpenSSL 3 refuses
 * at its default security level. If a production call fails with AfipUnavailableError reason
 * 'tls', give the clients an agent such as
 * `new https.Agent({ ciphers: 'DEFAULT@SECLEVEL=1', keepAlive: false })` (SoapTransportOptions.agent).
 */
export const AFIP_ENDPOINTS = {
  homologation: {
    wsaa: 'https://wsaahomo.afip.gov.ar/ws/services/LoginCms',
    wsfe: 'https://wswhomo.afip.gov.ar/wsfev1/service.asmx',
  },
  production: {
    wsaa: 'https://wsaa.afip.gov.ar/ws/services/LoginCms',
    wsfe: 'https://servicios1.afip.gov.ar/wsfev1/service.asmx',
  },
} as const;

export type AfipEnvironment = keyof typeof AFIP_ENDPOINTS;

export const WSAA_HOMOLOGATION_URL = AFIP_ENDPOINTS.homologation.wsaa;
export const WSAA_PRODUCTION_URL = AFIP_ENDPOINTS.production.wsaa;
export const WSFE_HOMOLOGATION_URL = AFIP_ENDPOINTS.homologation.wsfe;
export const WSFE_PRODUCTION_URL = AFIP_ENDPOINTS.production.wsfe;

/** The paths the local sandbox serves, the same as AFIP's. */
export const WSAA_PATH = '/ws/services/LoginCms';
export const WSFE_PATH = '/wsfev1/service.asmx';

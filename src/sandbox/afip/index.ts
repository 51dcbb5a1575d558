export * from './sandbox.js';
export { createCertificateAuthority, cuitOfCertificate, issueCertificate, loadCertificateAuthority } from './ca.js';
export type { CertificateAuthority, IssueCertificateInput, IssuedCertificate } from './ca.js';
export { CmsError, verifyCms } from './cms-verify.js';
export { CODES as AFIP_SANDBOX_CODES } from './tables.js';
export { WSFE_OPERATIONS, wsaaWsdl, wsfeWsdl } from './wsdl.js';
export type { WsfeOperation } from './wsdl.js';

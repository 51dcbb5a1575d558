import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * The sandbox's certificate authority. AFIP issues each taxpayer's WSAA certificate from its
 * own CA and accepts no other; the sandbox does the same with a CA it creates at start (or is
 * given), so tests can hold certificates it trusts and certificates it must refuse.
 */

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  certificate: X509Certificate;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface IssueCertificateInput {
  /** 11 digits; goes into the subject as serialNumber "CUIT <cuit>", like AFIP's. */
  cuit: string;
  commonName: string;
  notBefore?: Date;
  notAfter?: Date;
}

const ID_SERIAL_NUMBER = '2.5.4.5';

function rsaKeyPair(): { publicPem: string; privatePem: string } {
  // node:crypto generates keys natively; forge's pure-JS generator takes seconds.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function serial(): string {
  // Positive (high bit clear) and never zero.
  const bytes = randomBytes(12);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

export function createCertificateAuthority(commonName = 'BarberPro AFIP sandbox CA', now = new Date()): CertificateAuthority {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3_600_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3_600_000);
  const subject = [
    { shortName: 'C', value: 'AR' },
    { shortName: 'O', value: 'BarberPro sandbox' },
    { shortName: 'CN', value: commonName },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privatePem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem: keys.privatePem, certificate: new X509Certificate(certPem) };
}

export function loadCertificateAuthority(certPem: string, keyPem: string): CertificateAuthority {
  const certificate = new X509Certificate(certPem);
  if (!certificate.ca) throw new TypeError('Not a CA certificate');
  return { certPem, keyPem, certificate };
}

export function issueCertificate(ca: CertificateAuthority, input: IssueCertificateInput, now = new Date()): IssuedCertificate {
  if (!/^\d{11}$/.test(input.cuit)) throw new TypeError('cuit must be 11 digits');
  if (!input.commonName) throw new TypeError('commonName is required');
  const keys = rsaKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = input.notBefore ?? new Date(now.getTime() - 24 * 3_600_000);
  cert.validity.notAfter = input.notAfter ?? new Date(now.getTime() + 2 * 365 * 24 * 3_600_000);
  cert.setSubject([
    { shortName: 'C', value: 'AR' },
    { shortName: 'CN', value: input.commonName },
    { type: ID_SERIAL_NUMBER, value: `CUIT ${input.cuit}` },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/** "CUIT 20123456786" in the subject's serialNumber, as AFIP writes it. */
export function cuitOfCertificate(certificate: X509Certificate): string | undefined {
  for (const line of certificate.subject.split('\n')) {
    const match = /^serialNumber=CUIT (\d{11})$/.exec(line.trim());
    if (match) return match[1];
  }
  return undefined;
}

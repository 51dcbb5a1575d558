import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { isValidCuit, normalizeCuit } from '../catalog/cuit.js';
import { identifyReceiver } from './vouchers.js';
import type { Checked, Receiver, ReceiverIvaCondition } from './types.js';

/**
 * Checks on what a shop gives for invoicing (its WSAA certificate and key) and what a customer
 * gives to be invoiced to. Pure apart from node:crypto parsing; reasons are Spanish, for people.
 */

export interface CertificateInfo {
  cuit: string | undefined;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
}

function fail<T>(code: string, reason: string): Checked<T> {
  return { ok: false, code, reason };
}

/** AFIP writes the taxpayer's CUIT in the subject's serialNumber as "CUIT 20123456786". */
export function cuitOfSubject(subject: string): string | undefined {
  for (const line of subject.split('\n')) {
    const match = /^serialNumber=CUIT (\d{11})$/i.exec(line.trim());
    if (match) return match[1];
  }
  return undefined;
}

export function readCertificate(pem: string): Checked<{ certificate: X509Certificate; info: CertificateInfo }> {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return fail('invalid_certificate', 'El certificado debe ser un PEM X.509 (-----BEGIN CERTIFICATE-----).');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return fail('invalid_certificate', 'El certificado no es un PEM X.509 válido.');
  }
  return {
    ok: true,
    value: {
      certificate,
      info: {
        cuit: cuitOfSubject(certificate.subject),
        subject: certificate.subject.split('\n').join(', '),
        notBefore: new Date(certificate.validFrom),
        notAfter: new Date(certificate.validTo),
        fingerprint256: certificate.fingerprint256,
      },
    },
  };
}

/**
 * The certificate is readable, is the shop's (same CUIT), is valid now, and the key is its
 * private key. A key with a passphrase is refused: issuing runs unattended.
 */
export function checkCredentials(input: { certificatePem: string; privateKeyPem: string; shopCuit: string; now: Date }): Checked<CertificateInfo> {
  const read = readCertificate(input.certificatePem);
  if (!read.ok) return read;
  const { certificate, info } = read.value;
  if (!info.cuit) return fail('certificate_without_cuit', 'El certificado no tiene un CUIT (serialNumber "CUIT …"): usá el que emitió AFIP para la barbería.');
  if (info.cuit !== normalizeCuit(input.shopCuit))
    return fail('certificate_cuit_mismatch', 'El certificado es de otro CUIT: tiene que ser el de la barbería.');
  if (info.notAfter.getTime() <= input.now.getTime()) return fail('certificate_expired', 'El certificado está vencido. Generá uno nuevo en AFIP.');
  if (info.notBefore.getTime() > input.now.getTime()) return fail('certificate_not_yet_valid', 'El certificado todavía no está vigente.');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: input.privateKeyPem, format: 'pem' });
  } catch {
    return fail('invalid_private_key', 'La clave privada no es un PEM válido (sin contraseña).');
  }
  if (key.asymmetricKeyType !== 'rsa') return fail('invalid_private_key', 'La clave privada debe ser RSA, como la que pide AFIP.');
  if (!certificate.checkPrivateKey(key)) return fail('private_key_mismatch', 'La clave privada no corresponde al certificado.');
  return { ok: true, value: info };
}

export interface BillingInput {
  docType: 'dni' | 'cuit';
  number: string;
  name: string;
  ivaCondition?: ReceiverIvaCondition | undefined;
}

/** The customer's billing data as the voucher's receiver, or why AFIP would refuse it. */
export function receiverFromBilling(input: BillingInput): Checked<Receiver> {
  const name = input.name.trim();
  let receiver: Receiver;
  if (input.docType === 'dni') {
    if (input.ivaCondition && input.ivaCondition !== 'consumidor_final')
      return fail('invalid_iva_condition', 'Con DNI la condición frente al IVA es Consumidor Final; para otra condición indicá tu CUIT.');
    receiver = { kind: 'dni', dni: input.number.replace(/[\s.]/g, ''), name };
  } else {
    if (!input.ivaCondition) return fail('iva_condition_required', 'Indicá tu condición frente al IVA (por ejemplo, responsable inscripto o monotributo).');
    if (!isValidCuit(input.number)) return fail('invalid_receiver_document', 'El CUIT no es válido.');
    receiver = { kind: 'cuit', cuit: normalizeCuit(input.number), ivaCondition: input.ivaCondition, name };
  }
  const id = identifyReceiver(receiver);
  if (!id.ok) return id;
  return { ok: true, value: receiver };
}

/** Stored receivers are read back defensively: anything unexpected is the anonymous consumer. */
export function storedReceiver(value: unknown): Receiver {
  const r = value as Partial<Receiver> | null;
  if (!r || typeof r !== 'object' || typeof r.kind !== 'string') return { kind: 'anonymous' };
  return r as Receiver;
}
